import {
  EVENTHUBS_SPARK_COORDINATES,
  parseRuntimeVersion,
  ROCKSDB_STATE_STORE,
  StreamingCompute,
  type StreamingComputeProps,
  sourceCompatibilityProblems,
  sourceLibraries,
} from '../../constructs/databricks/streaming-compute';
import { onlyResource, problemsOf, refOf, synthJson } from '../helpers/synth';
import { resolveIn, databricksTestStack as testStack } from './helpers';

function compute(props: Partial<StreamingComputeProps> = {}) {
  const stack = testStack();
  const construct = new StreamingCompute(stack, 'Compute', {
    runtimeVersion: '15.4.x-scala2.12',
    nodeType: 'Standard_D4ds_v5',
    workers: 2,
    tags: { workload: 'stream' },
    ...props,
  });
  return { stack, construct };
}

const EVENTHUBS_RUNTIME_RULE =
  "a *-scala2.12 runtime at or below 16.4 for source 'eventhubs' of streams.orders (com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22 is Scala 2.12 only), such as 15.4.x-scala2.12 or 16.4.x-scala2.12; or use source 'kafka'";

describe('StreamingCompute', () => {
  test('the policy fixes runtime, size, access mode, RocksDB state and tags, and forbids autoscaling', () => {
    // GIVEN / WHEN
    const { stack } = compute({ name: 'stream-dev-streaming' });
    // THEN
    const policy = onlyResource(synthJson(stack), 'databricks_cluster_policy');
    expect({ ...policy, definition: JSON.parse(policy.definition as string) }).toEqual({
      name: 'stream-dev-streaming-policy',
      description: 'Streaming clusters: fixed runtime and size, no autoscaling, dedicated access mode, RocksDB state store.',
      definition: {
        spark_version: { type: 'fixed', value: '15.4.x-scala2.12' },
        node_type_id: { type: 'allowlist', values: ['Standard_D4ds_v5'], defaultValue: 'Standard_D4ds_v5' },
        driver_node_type_id: { type: 'allowlist', values: ['Standard_D4ds_v5'], defaultValue: 'Standard_D4ds_v5' },
        num_workers: { type: 'fixed', value: 2 },
        'autoscale.min_workers': { type: 'forbidden', hidden: true },
        'autoscale.max_workers': { type: 'forbidden', hidden: true },
        data_security_mode: { type: 'fixed', value: 'SINGLE_USER' },
        'spark_conf.spark.sql.streaming.stateStore.providerClass': { type: 'fixed', value: ROCKSDB_STATE_STORE },
        'custom_tags.workload': { type: 'fixed', value: 'stream' },
      },
    });
  });

  test('newCluster builds a fixed-size dedicated job cluster with one shuffle partition per event hub partition', () => {
    // GIVEN
    const { stack, construct } = compute();
    // WHEN
    const spec = construct.newCluster(8);
    // THEN
    expect({ ...spec, policyId: resolveIn(stack, spec.policyId) }).toEqual({
      sparkVersion: '15.4.x-scala2.12',
      nodeTypeId: 'Standard_D4ds_v5',
      numWorkers: 2,
      policyId: refOf(construct.policy, 'id'),
      applyPolicyDefaultValues: true,
      dataSecurityMode: 'SINGLE_USER',
      sparkConf: { 'spark.sql.streaming.stateStore.providerClass': ROCKSDB_STATE_STORE, 'spark.sql.shuffle.partitions': '8' },
      customTags: { workload: 'stream' },
    });
  });

  test('job mode creates no all-purpose cluster', () => {
    // GIVEN / WHEN
    const { stack, construct } = compute();
    // THEN
    expect(construct.cluster).toBeUndefined();
    expect(synthJson(stack).resource?.databricks_cluster).toBeUndefined();
  });

  test('all-purpose mode: one dedicated cluster for the deploying user, never auto-terminated, sized for the widest stream', () => {
    // GIVEN
    const { stack, construct } = compute({ mode: 'all-purpose', name: 'stream-dev-streaming' });
    // WHEN
    construct.registerStream(4);
    construct.registerStream(12);
    // THEN
    const json = synthJson(stack);
    const user = `data.databricks_current_user.${Object.keys(json.data?.databricks_current_user ?? {})[0]}`;
    expect(onlyResource(json, 'databricks_cluster')).toEqual({
      cluster_name: 'stream-dev-streaming-shared',
      spark_version: '15.4.x-scala2.12',
      node_type_id: 'Standard_D4ds_v5',
      num_workers: 2,
      policy_id: refOf(construct.policy, 'id'),
      apply_policy_default_values: true,
      data_security_mode: 'SINGLE_USER',
      single_user_name: `\${${user}.user_name}`,
      autotermination_minutes: 0,
      spark_conf: { 'spark.sql.streaming.stateStore.providerClass': ROCKSDB_STATE_STORE, 'spark.sql.shuffle.partitions': '12' },
      custom_tags: { workload: 'stream' },
    });
  });

  test('a node type outside the allowlist is refused', () => {
    // GIVEN / WHEN
    const { stack } = compute({ allowedNodeTypes: ['Standard_D8ds_v5'] });
    // THEN
    expect(problemsOf(stack)).toEqual(["[test/Compute] nodeType = 'Standard_D4ds_v5' is invalid; allowed: one of allowedNodeTypes (Standard_D8ds_v5)"]);
  });

  test('a worker count outside 1–100 is refused', () => {
    // GIVEN / WHEN
    const { stack } = compute({ workers: 0 });
    // THEN
    expect(problemsOf(stack)).toEqual(['[test/Compute] workers = 0 is invalid; allowed: an integer from 1 to 100']);
  });

  test('a runtime that is not a Databricks Runtime version is refused', () => {
    // GIVEN / WHEN
    const { stack } = compute({ runtimeVersion: 'latest' });
    // THEN
    expect(problemsOf(stack)).toEqual(["[test/Compute] runtimeVersion = 'latest' is invalid; allowed: a Databricks Runtime version such as 15.4.x-scala2.12"]);
  });

  test('an unknown mode and access mode are refused', () => {
    // GIVEN / WHEN
    const { stack } = compute({ mode: 'serverless' as never, dataSecurityMode: 'NONE' as never });
    // THEN
    expect(problemsOf(stack)).toEqual([
      "[test/Compute] mode = 'serverless' is invalid; allowed: one of 'job', 'all-purpose'",
      "[test/Compute] dataSecurityMode = 'NONE' is invalid; allowed: one of 'SINGLE_USER', 'USER_ISOLATION'",
    ]);
  });
});

describe('source compatibility rules', () => {
  const eventhubs = { source: 'eventhubs', runtimeVersion: '15.4.x-scala2.12', dataSecurityMode: 'SINGLE_USER', eventHubNamespaceTier: 'Standard' } as const;

  test.each(['15.4.x-scala2.12', '16.4.x-scala2.12', '14.3.x-scala2.12'])('eventhubs runs on %s', (runtimeVersion) => {
    expect(sourceCompatibilityProblems('streams.orders', { ...eventhubs, runtimeVersion })).toEqual([]);
  });

  test.each(['16.5.x-scala2.12', '17.3.x-scala2.13', '17.0.x-scala2.13', '15.4.x'])(
    'eventhubs is refused on %s, naming the allowed runtimes',
    (runtimeVersion) => {
      expect(sourceCompatibilityProblems('streams.orders', { ...eventhubs, runtimeVersion })).toEqual([
        { field: 'runtimeVersion', value: runtimeVersion, allowed: EVENTHUBS_RUNTIME_RULE },
      ]);
    },
  );

  test('eventhubs is refused on a shared (USER_ISOLATION) cluster', () => {
    expect(sourceCompatibilityProblems('streams.orders', { ...eventhubs, dataSecurityMode: 'USER_ISOLATION' })).toEqual([
      {
        field: 'dataSecurityMode',
        value: 'USER_ISOLATION',
        allowed: "'SINGLE_USER' for source 'eventhubs' of streams.orders (standard access mode forbids EventHubsUtils.encrypt); or use source 'kafka'",
      },
    ]);
  });

  test('kafka runs on any runtime and access mode with Standard or Premium', () => {
    for (const tier of ['Standard', 'Premium'] as const) {
      expect(
        sourceCompatibilityProblems('streams.orders', {
          source: 'kafka',
          runtimeVersion: '17.3.x-scala2.13',
          dataSecurityMode: 'USER_ISOLATION',
          eventHubNamespaceTier: tier,
        }),
      ).toEqual([]);
    }
  });

  test('kafka is refused on the Basic tier', () => {
    expect(
      sourceCompatibilityProblems('streams.orders', {
        source: 'kafka',
        runtimeVersion: '15.4.x-scala2.12',
        dataSecurityMode: 'SINGLE_USER',
        eventHubNamespaceTier: 'Basic',
      }),
    ).toEqual([
      {
        field: 'streams.orders.eventHubNamespaceTier',
        value: 'Basic',
        allowed: "'Standard' or 'Premium' for source 'kafka' (Basic has no Kafka endpoint); or use source 'eventhubs'",
      },
    ]);
  });

  test('only the eventhubs source needs a library, the Maven connector', () => {
    expect(sourceLibraries('eventhubs')).toEqual([{ maven: { coordinates: EVENTHUBS_SPARK_COORDINATES } }]);
    expect(sourceLibraries('kafka')).toEqual([]);
  });

  test('runtime versions parse into major, minor and Scala version', () => {
    expect(parseRuntimeVersion('16.4.x-cpu-ml-scala2.12')).toEqual({ major: 16, minor: 4, scala: '2.12' });
    expect(parseRuntimeVersion('15.4.x')).toEqual({ major: 15, minor: 4, scala: undefined });
    expect(parseRuntimeVersion('15.4')).toBeUndefined();
  });
});
