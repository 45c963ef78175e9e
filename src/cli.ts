#!/usr/bin/env node
// The `hookstep` binary (package.json "bin"); the command line itself is ./cli/main.
import { main } from './cli/main';

void main(process.argv).then((code) => process.exit(code));
