#!/usr/bin/env node
// `npx cdrflow`: the built CLI (npm run build; `npm ci` builds it through `prepare`), in this
// process, so signals reach cdrflow itself.
import '../dist/main.js';
