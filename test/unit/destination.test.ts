// DestinationPolicy (default-deny of every non-public range, IPv4-mapped and NAT64 forms, the allowlist),
// parseCidrList, isIpLiteral, and loadConfig's defaults and error messages.
import { DestinationPolicy, isIpLiteral, parseCidrList } from '../../activities/destination';
import { ConfigError, loadConfig } from '../../src/worker';

describe('DestinationPolicy by default', () => {
  const policy = new DestinationPolicy();

  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    '[::1]',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '224.0.0.1',
    '239.255.255.250',
    'ff02::1',
    '0.0.0.0',
    '255.255.255.255',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
  ])('refuses %s', (address) => {
    const verdict = policy.check(address);
    expect(verdict.allowed).toBe(false);
  });

  it('names the range it refused', () => {
    expect(policy.check('127.0.0.1')).toEqual({ allowed: false, range: 'loopback' });
    expect(policy.check('10.0.0.1')).toEqual({ allowed: false, range: 'private' });
    expect(policy.check('::ffff:10.0.0.1')).toEqual({ allowed: false, range: 'private' });
    expect(policy.check('169.254.169.254')).toEqual({ allowed: false, range: 'linkLocal' });
  });

  it('refuses what it cannot parse', () => {
    expect(policy.check('::1')).toEqual({ allowed: false, range: 'loopback' });
    expect(policy.check('[::1]')).toEqual({ allowed: false, range: 'loopback' });
    expect(policy.check('::')).toEqual({ allowed: false, range: 'unspecified' });
    expect(policy.check('::7f00:1')).toEqual({ allowed: false, range: 'ipv4Compatible' });
    expect(policy.check('not-an-ip')).toEqual({ allowed: false, range: 'unparseable' });
    expect(policy.check('api.example.com')).toEqual({ allowed: false, range: 'unparseable' });
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700::1111', '[2606:4700::1111]', '::ffff:8.8.8.8'])(
    'allows public %s',
    (address) => {
      expect(policy.check(address)).toEqual({ allowed: true });
    },
  );
});

describe('DestinationPolicy with an allowlist', () => {
  const policy = new DestinationPolicy(parseCidrList('127.0.0.0/8,::1/128'));

  it.each(['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'])('allows %s', (address) => {
    expect(policy.check(address)).toEqual({ allowed: true });
  });

  it.each(['10.0.0.1', '192.168.0.1', '::ffff:192.168.0.1', '::', 'fe80::1', '::a00:1', '::7f00:2'])(
    'still refuses %s',
    (address) => {
      expect(policy.check(address).allowed).toBe(false);
    },
  );

  it('still allows public addresses', () => {
    expect(policy.check('8.8.8.8')).toEqual({ allowed: true });
  });
});

describe('parseCidrList', () => {
  it('parses a comma-separated list, tolerating spaces and empty entries', () => {
    const list = parseCidrList(' 10.0.0.0/8 , ,fd00::/8,');
    expect(list).toHaveLength(2);
    expect(list[0][0].toString()).toBe('10.0.0.0');
    expect(list[0][1]).toBe(8);
    expect(list[1][0].kind()).toBe('ipv6');
    expect(list[1][1]).toBe(8);
  });

  it('gives an empty list for an empty string', () => {
    expect(parseCidrList('')).toEqual([]);
  });

  it.each(['10.0.0.0/8,nope', '10.0.0.1', '10.0.0.0/33', '::1/129'])('names the bad entry in %j', (text) => {
    const bad = text.split(',').pop()!;
    expect(() => parseCidrList(text)).toThrow(`'${bad}' is not a CIDR`);
  });
});

describe('isIpLiteral', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['[::1]', true],
    ['api.example.com', false],
    ['localhost', false],
  ])('%s → %s', (host, expected) => {
    expect(isIpLiteral(host)).toBe(expected);
  });
});

describe('loadConfig', () => {
  it('applies defaults', () => {
    const config = loadConfig({});
    expect(config.TEMPORAL_ADDRESS).toBe('localhost:7233');
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
    expect(config.HOOKSTEP_TASK_QUEUE).toBe('webhooks');
    expect(config.HOOKSTEP_ALLOWED_NETWORKS).toEqual([]);
    expect(config.HOOKSTEP_MAX_CONCURRENT_DELIVERIES).toBe(1000);
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: '', HOOKSTEP_TASK_QUEUE: '' });
    expect(config.TEMPORAL_ADDRESS).toBe('localhost:7233');
    expect(config.HOOKSTEP_TASK_QUEUE).toBe('webhooks');
  });

  it('reads set variables', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'prod',
      HOOKSTEP_TASK_QUEUE: 'hooks',
      HOOKSTEP_ALLOWED_NETWORKS: '10.0.0.0/8',
      HOOKSTEP_MAX_CONCURRENT_DELIVERIES: '50',
    });
    expect(config).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'prod',
      HOOKSTEP_TASK_QUEUE: 'hooks',
      HOOKSTEP_MAX_CONCURRENT_DELIVERIES: 50,
    });
    expect(config.HOOKSTEP_ALLOWED_NETWORKS).toHaveLength(1);
  });

  function configError(env: NodeJS.ProcessEnv): ConfigError {
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return err as ConfigError;
    }
    throw new Error('expected loadConfig to throw');
  }

  it.each(['localhost', 'http://localhost:7233', 'localhost:port'])('rejects TEMPORAL_ADDRESS=%s', (address) => {
    const err = configError({ TEMPORAL_ADDRESS: address });
    expect(err.message).toContain('TEMPORAL_ADDRESS');
    expect(err.issues).toHaveLength(1);
  });

  it('rejects a bad HOOKSTEP_ALLOWED_NETWORKS, naming the variable and the entry', () => {
    const err = configError({ HOOKSTEP_ALLOWED_NETWORKS: '127.0.0.0/8,lan' });
    expect(err.message).toContain('HOOKSTEP_ALLOWED_NETWORKS');
    expect(err.message).toContain("'lan'");
  });

  it('rejects a bad HOOKSTEP_MAX_CONCURRENT_DELIVERIES', () => {
    expect(configError({ HOOKSTEP_MAX_CONCURRENT_DELIVERIES: 'lots' }).message).toContain(
      'HOOKSTEP_MAX_CONCURRENT_DELIVERIES',
    );
    expect(configError({ HOOKSTEP_MAX_CONCURRENT_DELIVERIES: '0' }).message).toContain(
      'HOOKSTEP_MAX_CONCURRENT_DELIVERIES must be at least 1',
    );
  });

  it('reports every bad variable at once', () => {
    const err = configError({ TEMPORAL_ADDRESS: 'nope', HOOKSTEP_ALLOWED_NETWORKS: 'bad' });
    expect(err.issues).toHaveLength(2);
  });
});
