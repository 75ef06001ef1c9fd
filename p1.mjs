import { PGlite } from '@electric-sql/pglite';
const dir = process.argv[2];
const t0 = Date.now();
try {
  const db = new PGlite(dir);
  await db.waitReady;
  console.log('ready', Date.now()-t0, (await db.query('select 1 as x')).rows);
  await db.close();
} catch (e) { console.log('ERR', e?.constructor?.name, e?.message, e?.code); }
