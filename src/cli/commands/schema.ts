// `hookstep schema [step|automation]`: the JSON Schema of a contract, for builder UIs in any language.
import { Argument, type Command } from 'commander';
import { SCHEMA_NAMES, jsonSchema, type SchemaName } from '../../contract';
import { EXIT, setExit } from '../shared';

export function schema(name: SchemaName): number {
  console.log(JSON.stringify(jsonSchema(name), null, 2));
  return EXIT.ok;
}

export function schemaCommand(cli: Command): void {
  cli
    .command('schema')
    .description('print the JSON Schema of a contract, for builder UIs in any language')
    .addArgument(new Argument('[name]', 'which contract').choices(SCHEMA_NAMES).default('step'))
    .action((name: SchemaName) => setExit(schema(name)));
}
