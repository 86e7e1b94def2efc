// The reference receiver for bench/relay-intake: what a typical small webhook
// service looks like in Node + Express + better-sqlite3. Per webhook it does
// what the relay does before answering 200: check X-Hub-Signature-256 over the
// raw body in constant time, parse the JSON, store every entry durably
// (WAL, synchronous=FULL, one transaction), then answer. It does not encrypt.
//
//   LEADBOX_REF_SECRET=... LEADBOX_REF_DB=/tmp/ref.sqlite3 node server.js 0
// prints "listening on 127.0.0.1:PORT".
import crypto from "node:crypto";
import express from "express";
import Database from "better-sqlite3";

const secret = process.env.LEADBOX_REF_SECRET;
if (!secret) {
  console.error("set LEADBOX_REF_SECRET");
  process.exit(2);
}
const db = new Database(process.env.LEADBOX_REF_DB || "reference.sqlite3");
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.exec(`CREATE TABLE IF NOT EXISTS entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  object TEXT NOT NULL,
  account_id TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL
)`);
const insert = db.prepare(
  "INSERT INTO entries (object, account_id, body, received_at) VALUES (?, ?, ?, ?)"
);
const insertAll = db.transaction((object, entries, now) => {
  for (const entry of entries) insert.run(object, String(entry.id), JSON.stringify(entry), now);
});

function signatureValid(raw, header) {
  if (typeof header !== "string" || !header.startsWith("sha256=")) return false;
  const given = Buffer.from(header.slice(7), "hex");
  const expected = crypto.createHmac("sha256", secret).update(raw).digest();
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

const app = express();
app.post("/webhooks/meta", express.raw({ type: "*/*", limit: "4mb" }), (req, res) => {
  const raw = req.body;
  if (!Buffer.isBuffer(raw) || !signatureValid(raw, req.get("x-hub-signature-256"))) {
    return res.status(401).json({ code: "bad_signature" });
  }
  let webhook;
  try {
    webhook = JSON.parse(raw.toString("utf8"));
  } catch {
    return res.status(400).json({ code: "malformed" });
  }
  if (typeof webhook.object !== "string" || !Array.isArray(webhook.entry)) {
    return res.status(400).json({ code: "malformed" });
  }
  insertAll(webhook.object, webhook.entry, Date.now());
  res.status(200).send("EVENT_RECEIVED");
});

const server = app.listen(Number(process.argv[2] || 0), "127.0.0.1", () => {
  const { address, port } = server.address();
  console.log(`listening on ${address}:${port}`);
});
