// Request bodies are read by Fastify's own JSON parser (with its prototype-poisoning checks), and a body holding a
// number a double would change is refused: a 400 naming each such number, never an order id silently rounded and
// published (issue 18). An ordinary body pays only the pre-check for it.
import type { FastifyInstance } from 'fastify';
import { inexactNumbersIn, type JsonPath } from '../contract';

/** A request body with numbers a double cannot hold exactly; `paths` locate them in the body. */
export class InexactNumbersError extends Error {
  readonly statusCode = 400;
  constructor(readonly paths: JsonPath[]) {
    super(`the body holds ${paths.length} number(s) a double cannot hold exactly`);
  }
}

export function refuseInexactNumbers(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    void parse(request, text, (err, value) => {
      if (err) return done(err, undefined);
      const paths = inexactNumbersIn(text);
      if (paths.length > 0) return done(new InexactNumbersError(paths), undefined);
      done(null, value);
    });
  });
}

/** `body/data/orderId`: a JSON pointer (RFC 6901) into the body, as the API names every field. */
export function bodyPointer(path: JsonPath): string {
  return ['body', ...path.map((k) => String(k).replaceAll('~', '~0').replaceAll('/', '~1'))].join('/');
}
