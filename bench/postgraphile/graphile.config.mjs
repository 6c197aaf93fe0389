// PostGraphile v5 for the benchmark: the amber preset over our tables (schema `public`)
// plus `bench_pg` (schema.sql: the functions behind timeline, search and the writes).
// bench/run.py copies this file next to a PostGraphile installed at run time, and sets
// DATABASE_URL and PORT.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public", "bench_pg"],
      // Our service's pool holds at most 10 connections (DB_POOL_MAX_SIZE): the same here.
      poolConfig: { max: 10 },
    }),
  ],
  schema: {
    // Plain list fields (`allWarningsList`) beside the connections.
    defaultBehavior: "+list",
  },
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 5678),
    graphiql: false,
    watch: false,
  },
  grafast: {
    explain: false,
  },
};

export default preset;
