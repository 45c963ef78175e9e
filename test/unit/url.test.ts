// requestTarget and the URL schema: the URL's own query goes out byte for byte; only what hookstep adds is encoded.
import { buildRequest } from '../../activities/request';
import { StepSchema, encodeCookieValue, requestTarget, urlWritingProblem, type StepInput } from '../../src/contract';

const build = (input: StepInput) => buildRequest(StepSchema.parse(input), 'msg_1', 1_700_000_000_000);

describe('requestTarget', () => {
  it("issue 18: the URL's own sig=a%2Bb%20c&flag is kept, page=2 appended", () => {
    expect(requestTarget('https://h.example/h?sig=a%2Bb%20c&flag', { page: '2' })).toBe('/h?sig=a%2Bb%20c&flag&page=2');
  });

  it('keeps the query as written when nothing is added, even where WHATWG would write %27', () => {
    expect(requestTarget("https://h.example/h?q=it's&x=%7e~&y=1;2")).toBe("/h?q=it's&x=%7e~&y=1;2");
  });

  it('keeps %2F, ; and existing escapes in the path; encodes what a request line cannot carry', () => {
    expect(requestTarget('https://h.example/a%2Fb;v=1/Jos%C3%A9/é d?x=é "q"')).toBe(
      '/a%2Fb;v=1/Jos%C3%A9/%C3%A9%20d?x=%C3%A9%20%22q%22',
    );
  });

  it('resolves dot segments, as RFC 3986 §5.2.4 and every HTTP client do', () => {
    expect(requestTarget('https://h.example/a/./b/../c?x=1')).toBe('/a/c?x=1');
  });

  it('never sends the fragment, nor a ? inside it', () => {
    expect(requestTarget('https://h.example/h#frag?x=1', { a: '1' })).toBe('/h?a=1');
    expect(requestTarget('https://h.example/h?x=1#frag', { a: '1' })).toBe('/h?x=1&a=1');
  });

  it('replaces the first same-named parameter in place (form-decoded names), drops the others', () => {
    expect(requestTarget('https://h.example/h?a=1&pa%67e=1&b=2&page=3', { page: '9' })).toBe('/h?a=1&page=9&b=2');
    expect(requestTarget('https://h.example/h?my+key=1', { 'my key': 'v' })).toBe('/h?my%20key=v');
  });

  it('encodes added names and values: & = + ; # % space, never as +; keeps $ / : @ , for OData and paths', () => {
    expect(requestTarget('https://h.example/h', { $top: 'a b&c=d+e;f#g%h', path: '/x:y@z,w' })).toBe(
      '/h?$top=a%20b%26c%3Dd%2Be%3Bf%23g%25h&path=/x:y@z,w',
    );
  });

  it('keeps an empty query and empty parts as written', () => {
    expect(requestTarget('https://h.example/h?')).toBe('/h?');
    expect(requestTarget('https://h.example/h?a=1&&b=2', { c: '3' })).toBe('/h?a=1&&b=2&c=3');
  });

  // n8n-io/n8n#22144: an OData $filter in the URL was re-encoded (/ → %2F) once a query was added.
  it('n8n#22144: an OData $filter in the URL keeps its / and $', () => {
    expect(requestTarget('https://h.example/odata?$filter=Field/custom/Value eq true', { $top: '10' })).toBe(
      '/odata?$filter=Field/custom/Value%20eq%20true&$top=10',
    );
  });

  // aws/aws-sdk-php#146: a signed CloudFront URL's response-content-disposition was decoded and the signature broke.
  it('aws-sdk-php#146: a signed URL keeps attachment%3B%20filename%3D%22example.jpg%22', () => {
    const url =
      'https://d.example/f?response-content-disposition=attachment%3B%20filename%3D%22example.jpg%22&Signature=2MD0Ku%2BGx%3D';
    expect(requestTarget(url, { v: '1' })).toBe(`${url.slice('https://d.example'.length)}&v=1`);
  });

  // thunderclient#552 and node-red#4384: `%desc%` and Latin-1 `r%E4kki` were rewritten by a decoding round trip.
  it('thunder-client#552 and node-red#4384: a % that is no UTF-8 escape stays as written', () => {
    expect(requestTarget('https://h.example/t?d=%desc%&k=r%E4kki', { p: '1' })).toBe('/t?d=%desc%&k=r%E4kki&p=1');
  });
});

describe('the URL schema refuses what a parser would silently drop or rewrite', () => {
  it.each([
    ['a tab', 'https://h.example/a\tb', /control characters/],
    ['a line break in the query', 'https://h.example/a?x=1\n2', /control characters/],
    ['a leading space', ' https://h.example/', /start or end with a space/],
    ['a backslash in the path', 'https://h.example/a\\b', /read it as "\/"/],
    ['a lone surrogate', 'https://h.example/\ud800', /lone UTF-16 surrogate/],
  ])('%s', (_what, url, message) => {
    expect(urlWritingProblem(url)).toMatch(message);
    expect(StepSchema.safeParse({ url }).error?.issues[0].message).toMatch(message);
  });

  it('accepts a backslash in the query, where parsers keep it', () => {
    expect(urlWritingProblem('https://h.example/a?x=a\\b')).toBeUndefined();
    expect(requestTarget('https://h.example/a?x=a\\b')).toBe('/a?x=a\\b');
  });
});

describe('cookie values', () => {
  it('issue 18: José is sent as Jos%C3%A9, an emoji as its UTF-8 bytes', () => {
    expect(build({ url: 'https://h.example/', cookies: { name: 'José', e: '😀' } }).headers.cookie).toBe(
      'name=Jos%C3%A9; e=%F0%9F%98%80',
    );
  });

  // echoapi-for-vscode-support#13: a base64 session cookie's "=" was sent as %3D and the server refused it.
  it('echoapi#13: a valid cookie value (base64 with =) goes out byte for byte', () => {
    expect(encodeCookieValue('eyJwZXQiOiJhZGl0In0=')).toBe('eyJwZXQiOiJhZGl0In0=');
  });

  // node-red/node-red#2025: hello+world arrived as hello%2Bworld.
  it('node-red#2025: hello+world stays hello+world', () => {
    expect(build({ url: 'https://h.example/', cookies: { demo: 'hello+world' } }).headers.cookie).toBe(
      'demo=hello+world',
    );
  });

  it('a value that needs encoding is encoded whole, % included, so a decoding server reads it back', () => {
    expect(encodeCookieValue('50% off; "now"\r\n')).toBe('50%25%20off%3B%20%22now%22%0D%0A');
    expect(decodeURIComponent(encodeCookieValue('50% off; "now"\r\n'))).toBe('50% off; "now"\r\n');
  });
});
