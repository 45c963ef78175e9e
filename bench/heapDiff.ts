// What a worker's JS heap holds per run in flight: compares two V8 heap snapshots (N = 0 and N runs held, from
// `bench/runsInFlight.ts --snapshot`) and prints, per run, the growth by constructor (self size) and the classes whose
// instances retain the most (dominator tree), with one retainer path of the largest.
//   npx tsx bench/heapDiff.ts <at-0.heapsnapshot> <at-N.heapsnapshot> <N>
import { readFileSync } from 'node:fs';

interface Snapshot {
  names: string[];
  types: string[];
  count: number;
  type: Uint8Array;
  name: Uint32Array;
  self: Float64Array;
  firstEdge: Uint32Array;
  edgeTo: Uint32Array;
  edgeType: Uint8Array;
  edgeName: Uint32Array;
  edgeTypes: string[];
}

const KB = 1024;

function load(path: string): Snapshot {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as {
    snapshot: {
      meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
    };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const { meta } = raw.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const [iType, iName, iSelf, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) =>
    meta.node_fields.indexOf(f),
  );
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f));
  const count = raw.nodes.length / nf;
  const s: Snapshot = {
    names: raw.strings,
    types: meta.node_types[0],
    edgeTypes: meta.edge_types[0],
    count,
    type: new Uint8Array(count),
    name: new Uint32Array(count),
    self: new Float64Array(count),
    firstEdge: new Uint32Array(count + 1),
    edgeTo: new Uint32Array(raw.edges.length / ef),
    edgeType: new Uint8Array(raw.edges.length / ef),
    edgeName: new Uint32Array(raw.edges.length / ef),
  };
  let e = 0;
  for (let i = 0; i < count; i++) {
    s.type[i] = raw.nodes[i * nf + iType];
    s.name[i] = raw.nodes[i * nf + iName];
    s.self[i] = raw.nodes[i * nf + iSelf];
    s.firstEdge[i] = e;
    e += raw.nodes[i * nf + iEdges];
  }
  s.firstEdge[count] = e;
  for (let j = 0; j < s.edgeTo.length; j++) {
    s.edgeType[j] = raw.edges[j * ef + eType];
    s.edgeName[j] = raw.edges[j * ef + eName];
    s.edgeTo[j] = raw.edges[j * ef + eTo] / nf;
  }
  return s;
}

/** Chrome's grouping: an object's constructor name, a closure's name, a string or code kind by its type. */
function className(s: Snapshot, i: number): string {
  const type = s.types[s.type[i]];
  if (type === 'object' || type === 'native') return s.names[s.name[i]] || `(${type})`;
  if (type === 'closure') return `closure ${s.names[s.name[i]] || '(anonymous)'}`;
  if (type === 'hidden' || type === 'code' || type === 'array' || type === 'object shape')
    return `(${type}) ${s.names[s.name[i]].slice(0, 40)}`;
  return `(${type})`;
}

function bySelf(s: Snapshot): Map<string, { size: number; count: number }> {
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < s.count; i++) {
    const k = className(s, i);
    const v = out.get(k) ?? { size: 0, count: 0 };
    v.size += s.self[i];
    v.count++;
    out.set(k, v);
  }
  return out;
}

/** Immediate dominators (Cooper, Harvey and Kennedy's iterative algorithm) over strong edges from node 0. */
function dominators(s: Snapshot): { idom: Int32Array; order: Uint32Array } {
  const weak = s.edgeTypes.indexOf('weak');
  const post = new Int32Array(s.count).fill(-1);
  const order = new Uint32Array(s.count);
  let n = 0;
  const stack: number[] = [0];
  const next: number[] = [s.firstEdge[0]];
  const seen = new Uint8Array(s.count);
  seen[0] = 1;
  while (stack.length) {
    const top = stack[stack.length - 1];
    const e = next[next.length - 1];
    if (e < s.firstEdge[top + 1]) {
      next[next.length - 1]++;
      const to = s.edgeTo[e];
      if (s.edgeType[e] !== weak && !seen[to]) {
        seen[to] = 1;
        stack.push(to);
        next.push(s.firstEdge[to]);
      }
    } else {
      stack.pop();
      next.pop();
      post[top] = n;
      order[n++] = top;
    }
  }
  const preds: number[][] = Array.from({ length: s.count }, () => []);
  for (let i = 0; i < s.count; i++) {
    if (post[i] < 0) continue;
    for (let e = s.firstEdge[i]; e < s.firstEdge[i + 1]; e++)
      if (s.edgeType[e] !== weak && post[s.edgeTo[e]] >= 0) preds[s.edgeTo[e]].push(i);
  }
  const idom = new Int32Array(s.count).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (post[a] < post[b]) a = idom[a];
      while (post[b] < post[a]) b = idom[b];
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let k = n - 2; k >= 0; k--) {
      const b = order[k];
      let d = -1;
      for (const p of preds[b]) if (idom[p] >= 0) d = d < 0 ? p : intersect(p, d);
      if (d >= 0 && idom[b] !== d) {
        idom[b] = d;
        changed = true;
      }
    }
  }
  return { idom, order: order.subarray(0, n) };
}

function retained(s: Snapshot, idom: Int32Array, order: Uint32Array): Float64Array {
  const size = Float64Array.from(s.self);
  for (const i of order) if (i !== 0 && idom[i] >= 0) size[idom[i]] += size[i];
  return size;
}

function main(): void {
  const [at0, atN, nArg] = process.argv.slice(2);
  const n = Number(nArg);
  const a = load(at0);
  const b = load(atN);
  const total = (s: Snapshot) => s.self.reduce((x, y) => x + y, 0);
  console.log(
    `JS heap in the snapshots: ${(total(a) / KB / KB).toFixed(1)} MB at 0, ${(total(b) / KB / KB).toFixed(1)} MB at ` +
      `${n}: ${((total(b) - total(a)) / n / KB).toFixed(1)} KB a run`,
  );
  const sa = bySelf(a);
  const sb = bySelf(b);
  const growth = [...sb].map(([k, v]) => {
    const before = sa.get(k) ?? { size: 0, count: 0 };
    return { k, size: (v.size - before.size) / n, count: (v.count - before.count) / n };
  });
  growth.sort((x, y) => y.size - x.size);
  console.log('\ngrowth a run by constructor (self size): KB, objects');
  for (const g of growth.slice(0, 30))
    console.log(`  ${(g.size / KB).toFixed(2).padStart(8)}  ${g.count.toFixed(1).padStart(7)}  ${g.k}`);

  const { idom, order } = dominators(b);
  const ret = retained(b, idom, order);
  // Per class: retained size of instances not dominated by another instance of the same class.
  const cls = new Map<string, { size: number; count: number; biggest: number }>();
  for (const i of order) {
    const k = className(b, i);
    let d = idom[i];
    let nested = false;
    while (d > 0) {
      if (className(b, d) === k) {
        nested = true;
        break;
      }
      d = idom[d];
    }
    if (nested) continue;
    const v = cls.get(k) ?? { size: 0, count: 0, biggest: i };
    v.size += ret[i];
    v.count++;
    if (ret[i] > ret[v.biggest]) v.biggest = i;
    cls.set(k, v);
  }
  const top = [...cls].filter(([, v]) => v.count >= n).sort((x, y) => y[1].size - x[1].size);
  console.log(`\nclasses with at least ${n} instances, by retained size at ${n} (KB a run, instances, one path):`);
  for (const [k, v] of top.slice(0, 25)) {
    console.log(`  ${(v.size / n / KB).toFixed(2).padStart(8)}  ${String(v.count).padStart(7)}  ${k}`);
    console.log(`            ${pathTo(b, idom, v.biggest)}`);
  }
  const run = cls.get('ReusableVMWorkflow');
  if (run) {
    console.log('\none cached run (a ReusableVMWorkflow) by what it retains, KB:');
    const children = new Map<number, number[]>();
    for (const i of order) if (i !== 0 && idom[i] >= 0) children.set(idom[i], [...(children.get(idom[i]) ?? []), i]);
    const walk = (i: number, depth: number, label: string) => {
      console.log(`  ${'  '.repeat(depth)}${(ret[i] / KB).toFixed(1)}  ${label}${className(b, i)}`);
      if (depth >= 4) return;
      const kids = (children.get(i) ?? []).sort((x, y) => ret[y] - ret[x]).filter((k) => ret[k] >= 1024);
      for (const k of kids.slice(0, depth === 1 ? 60 : 4)) walk(k, depth + 1, edgeName(b, i, k));
    };
    walk(run.biggest, 0, '');
    const activator = (children.get(run.biggest) ?? []).find((k) => className(b, k) === 'Activator');
    if (activator !== undefined) {
      const groups = new Map<string, { size: number; count: number }>();
      for (const k of children.get(activator) ?? []) {
        const g = groups.get(className(b, k)) ?? { size: 0, count: 0 };
        g.size += ret[k];
        g.count++;
        groups.set(className(b, k), g);
      }
      console.log('\nwhat the Activator alone keeps, by class (KB, count):');
      for (const [k, g] of [...groups].sort((x, y) => y[1].size - x[1].size).slice(0, 12))
        console.log(`  ${(g.size / KB).toFixed(1).padStart(6)}  ${String(g.count).padStart(4)}  ${k}`);
    }
  }
}

/** The name of the edge from `from` to `to`, when there is one: a property, a variable, an index. */
function edgeName(s: Snapshot, from: number, to: number): string {
  for (let e = s.firstEdge[from]; e < s.firstEdge[from + 1]; e++) {
    if (s.edgeTo[e] !== to) continue;
    const t = s.edgeTypes[s.edgeType[e]];
    return t === 'element' || t === 'hidden' ? `[${s.edgeName[e]}] ` : `.${s.names[s.edgeName[e]]} `;
  }
  return '';
}

/** The dominator chain of a node, named: who keeps it alive. */
function pathTo(s: Snapshot, idom: Int32Array, i: number): string {
  const names: string[] = [];
  for (let d = i; d > 0 && names.length < 8; d = idom[d]) names.push(className(s, d).slice(0, 40));
  return names.reverse().join(' > ');
}

main();
