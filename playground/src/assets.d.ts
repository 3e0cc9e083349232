// esbuild bundles imported stylesheets into app.css; the import itself has no value.
declare module '*.css';
