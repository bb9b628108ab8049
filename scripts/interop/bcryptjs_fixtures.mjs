// Password hashes both ways between the web app (bcryptjs) and the bot (Python bcrypt).
//
//   node bcryptjs_fixtures.mjs generate  -> tests/fixtures/interop/bcryptjs_hashes.json
//       hashes made by bcryptjs, with bcryptjs's own verdict for each probe password
//   node bcryptjs_fixtures.mjs verify    -> tests/fixtures/interop/bot_hashes_bcryptjs.json
//       bcryptjs's verdicts on the hashes the bot wrote (tests/fixtures/interop/bot_hashes.json,
//       made by `python -m scripts.interop.bot_fixtures`)
//
// The tests read only the committed JSON: they need neither node nor the network.
// Run `npm ci` here first.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import bcrypt from "bcryptjs";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "..", "..", "tests", "fixtures", "interop");
const bcryptjsVersion = JSON.parse(
  readFileSync(join(here, "node_modules", "bcryptjs", "package.json"), "utf8"),
).version;

const euro72 = "a" + "€".repeat(23) + "€"; // 1 + 69 + 3 bytes: byte 72 falls inside the last "€"
const ascii72 = "x".repeat(36) + "y".repeat(36);
const long = "The quick brown fox jumps over the lazy dog, again and again, until it is 72 bytes long!";

// name, password, cost, prefix, probes: [password, why]
const CASES = [
  ["ascii", "correct horse battery staple", 10, "$2b$", [["correct horse battery stapl", "one short"], ["Correct horse battery staple", "other case"]]],
  ["ascii_2a", "correct horse battery staple", 4, "$2a$", [["correct horse battery staple ", "trailing space"]]],
  ["ascii_2y", "correct horse battery staple", 4, "$2y$", [["correct horse battery", "prefix"]]],
  ["long_ascii", long, 4, "$2b$", [
    [long.slice(0, 72), "first 72 bytes only"],
    [long.slice(0, 72) + "something else entirely", "same first 72 bytes, other tail"],
    [long.slice(0, 71), "first 71 bytes"],
    [long.slice(0, 70) + "X" + long.slice(71), "differs at byte 71"],
  ]],
  ["long_ascii_2a", long, 4, "$2a$", [[long.slice(0, 72) + "!", "same first 72 bytes"]]],
  ["long_ascii_2y", long, 4, "$2y$", [[long.slice(0, 72) + "?", "same first 72 bytes"]]],
  ["exactly_72_bytes", ascii72, 4, "$2b$", [
    [ascii72 + "z", "73 bytes, same first 72"],
    [ascii72.slice(0, 71), "71 bytes"],
  ]],
  ["non_ascii", "pässwörd Grüße ñandú çœur", 4, "$2b$", [["passwort Grusse nandu coeur", "ASCII look-alike"]]],
  ["emoji", "🔐 my secret 🦄 diary 📓", 4, "$2a$", [["🔐 my secret 🦄 diary", "prefix"]]],
  ["multibyte_cut_at_72", euro72, 4, "$2b$", [
    ["a" + "€".repeat(23) + "₤", "other character sharing the first two bytes of the last one"],
    ["a" + "€".repeat(23), "without the cut character"],
  ]],
  ["long_emoji", "🌱".repeat(25), 4, "$2y$", [
    ["🌱".repeat(18), "first 72 bytes (18 four-byte characters)"],
    ["🌱".repeat(17), "68 bytes"],
  ]],
];

function hashWith(password, cost, prefix) {
  const salt = bcrypt.genSaltSync(cost); // "$2b$NN$" + 22 salt characters
  return bcrypt.hashSync(password, prefix + salt.slice(4));
}

function generate() {
  const cases = CASES.map(([name, password, cost, prefix, probes]) => {
    const hash = hashWith(password, cost, prefix);
    if (!hash.startsWith(prefix)) throw new Error(`${name}: bcryptjs wrote ${hash.slice(0, 4)}`);
    return {
      name,
      password,
      utf8_bytes: Buffer.byteLength(password, "utf8"),
      hash,
      probes: [[password, "the password itself"], ...probes].map(([candidate, why]) => ({
        password: candidate,
        why,
        bcryptjs_says: bcrypt.compareSync(candidate, hash),
      })),
    };
  });
  const out = { generator: `bcryptjs ${bcryptjsVersion}`, cases };
  writeFileSync(join(fixtures, "bcryptjs_hashes.json"), JSON.stringify(out, null, 2) + "\n");
  console.log(`wrote ${cases.length} cases`);
}

function verify() {
  const bot = JSON.parse(readFileSync(join(fixtures, "bot_hashes.json"), "utf8"));
  const cases = bot.cases.map((c) => ({
    name: c.name,
    hash: c.hash,
    probes: c.probes.map((p) => ({
      password: p.password,
      bcryptjs_says: bcrypt.compareSync(p.password, c.hash),
    })),
  }));
  const out = { verifier: `bcryptjs ${bcryptjsVersion}`, source: bot.generator, cases };
  writeFileSync(join(fixtures, "bot_hashes_bcryptjs.json"), JSON.stringify(out, null, 2) + "\n");
  const accepted = cases.filter((c) => c.probes[0].bcryptjs_says).length;
  console.log(`bcryptjs accepts ${accepted} of ${cases.length} bot hashes with their password`);
  if (accepted !== cases.length) process.exitCode = 1;
}

const command = process.argv[2];
if (command === "generate") generate();
else if (command === "verify") verify();
else {
  console.error("usage: node bcryptjs_fixtures.mjs generate|verify");
  process.exitCode = 2;
}
