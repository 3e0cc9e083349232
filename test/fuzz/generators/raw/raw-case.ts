/**
 * `raw` cases: requests fetch cannot send, written byte for byte to a socket. The templates live by theme
 * in header-, target- and body-templates.ts; this file holds their order.
 */
import type { DraftContext } from '../draft.ts';
import * as body from './body-templates.ts';
import * as header from './header-templates.ts';
import * as target from './target-templates.ts';
import type { RawDraft, RawTemplate } from './wire.ts';

/**
 * The seed picks a template by its position here: append new templates at the end, or every seed's raw
 * cases change.
 */
const templates: RawTemplate[] = [
  header.duplicateAuthorization,
  header.duplicateAuthorizationThenGarbage,
  header.longAuthorization,
  header.headersOverNodeLimit,
  header.manyHeaders,
  target.badPercentEncodingInPath,
  target.repeatedAndOversizedQuery,
  target.dotSegments,
  target.absoluteFormTarget,
  target.asteriskFormTarget,
  target.targetThatIsNotAUrl,
  target.methodTheParserDoesNotKnow,
  target.connect,
  body.chunkedJson,
  body.chunkedOverLimit,
  body.malformedChunkSize,
  body.contentLengthAndTransferEncoding,
  body.twoContentLengths,
  target.nulInPath,
  target.spaceInPath,
  header.headerLineWithoutColon,
  header.carriageReturnInHeaderValue,
  header.foldedAuthorization,
  header.http11WithoutHost,
  header.http10WithoutHost,
  target.unsupportedHttpVersion,
  target.bareLineFeeds,
  body.getWithMalformedBody,
  header.expectContinue,
  target.requestLineOverNodeLimit,
  body.bodyShorterThanContentLength,
  body.latin1Body,
  target.rawUtf8InPath,
];

export function rawCase({ rng, fixtures }: DraftContext): RawDraft {
  return rng.pick(templates)({ rng, fixtures, key: fixtures.apiKey });
}
