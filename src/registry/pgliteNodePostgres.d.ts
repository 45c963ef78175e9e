// The types of PGlite's node-postgres adapter (db.ts). The package declares the entry in its `exports` only, which
// this project's module resolution (node, for CommonJS) does not read; Node resolves it at run time.
declare module '@electric-sql/pglite/node-postgres' {
  export * from '@electric-sql/pglite/dist/node-postgres/index';
}
