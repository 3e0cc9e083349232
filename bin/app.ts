#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { addPartnerOs } from '../lib/partneros-app.ts';

// Environment-agnostic on purpose: `cdk synth` needs no credentials and the template fits any account
// and region (ARNs use AWS::Partition / AWS::Region / AWS::AccountId).
addPartnerOs(new App());
