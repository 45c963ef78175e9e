// A transcript of CLI commands and what they printed, for a page of the docs written from a real run. `into` puts it
// between the page's `<!-- transcript:start -->` and `<!-- transcript:end -->` marks and leaves the rest as written.
export interface Transcript {
  /** A command as `who` typed it, and the part of its JSON answer the page shows. */
  step(who: string, args: string[], shown: unknown): void;
  /** A command whose answer is a line of text (an error). */
  note(who: string, args: string[], text: string): void;
  into(page: string): string;
}

const START = '<!-- transcript:start -->';
const END = '<!-- transcript:end -->';

export function transcript(): Transcript {
  const blocks: string[] = [];
  const command = (who: string, args: string[]) =>
    `# as ${who}\n$ hookstep ${args.map((a) => (/[\s"'$]/.test(a) ? `'${a}'` : a)).join(' ')}`;
  return {
    step(who, args, shown) {
      blocks.push(['```console', command(who, args), JSON.stringify(shown, null, 2), '```'].join('\n'));
    },
    note(who, args, text) {
      blocks.push(['```console', command(who, args), text, '```'].join('\n'));
    },
    into(page) {
      const start = page.indexOf(START);
      const end = page.indexOf(END);
      if (start < 0 || end < start) throw new Error(`the page has no ${START} … ${END} marks`);
      return `${page.slice(0, start + START.length)}\n\n${blocks.join('\n\n')}\n\n${page.slice(end)}`;
    },
  };
}
