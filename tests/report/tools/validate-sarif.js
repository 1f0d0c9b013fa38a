// Validates SARIF logs against the SARIF 2.1.0 JSON schema (the copy @microsoft/jest-sarif ships)
// with ajv: `node validate-sarif.js FILE...`; exit 0 when every file is valid, 1 otherwise.
'use strict';
const fs = require('fs');
const Ajv = require('ajv-draft-04');  // the schema is written in JSON Schema draft 4
const addFormats = require('ajv-formats');
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

// The rtm.5 schema's `language` pattern has a stray ']' that is an error under the Unicode
// flag ajv 8 uses by default; without it the pattern means what its authors (and ajv 6) took it to.
const ajv = new Ajv({allErrors: true, strict: false, unicodeRegExp: false});
addFormats(ajv);
const validate = ajv.compile(schema);
let invalid = 0;
for (const file of process.argv.slice(2)) {
  const log = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (validate(log)) {
    console.log(`${file}: valid SARIF 2.1.0`);
    continue;
  }
  invalid++;
  console.log(`${file}: NOT valid SARIF 2.1.0`);
  for (const e of validate.errors) console.log(`  ${e.instancePath || '/'}: ${e.message} ${JSON.stringify(e.params)}`);
}
process.exit(invalid === 0 ? 0 : 1);
