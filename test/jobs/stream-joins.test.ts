import { type StreamDefinition, toStreamSpec } from '../../constructs/streams';
import { environment, fullSynth, stream } from '../databricks/helpers';
import { problemsOf, streamJobsOf } from '../helpers/synth';

const ORDERS_FIELDS: StreamDefinition['schema']['fields'] = [
  { name: 'order_id', type: 'string', required: true },
  { name: 'store_id', type: 'string', required: true },
  { name: 'ts', type: 'timestamp', required: true },
  { name: 'amount', type: 'double', min: 0 },
];

function definition(name: string, fields = ORDERS_FIELDS, joins: StreamDefinition['joins'] = undefined): StreamDefinition {
  return {
    name,
    schema: { fields },
    eventTimeField: 'ts',
    eventIdField: 'order_id',
    entityField: 'store_id',
    source: { type: 'kafka', partitions: 2, retentionDays: 1 },
    watermark: '5 minutes',
    windows: [{ id: 'tumbling_1m', type: 'tumbling', duration: '1 minute' }],
    aggregation: { dimensions: ['store_id'], measures: ['amount'] },
    joins,
  };
}

const PAYMENT_FIELDS: StreamDefinition['schema']['fields'] = [...ORDERS_FIELDS, { name: 'payment_method', type: 'string' }];
const PAID = [{ id: 'paid', stream: 'payments', keys: ['store_id'], within: '10 minutes', columns: ['payment_method'], type: 'leftOuter' }] as const;

function withStreams(...definitions: StreamDefinition[]) {
  const env = environment();
  for (const d of definitions) env.workspace.addStream(stream({ spec: toStreamSpec(d), credential: { type: 'sas', secretName: `evh-${d.name}-listen` } }));
  return env;
}

type Task = { notebook_task: { base_parameters: Record<string, string> } };
function parametersOf(json: ReturnType<typeof fullSynth>[string], job: string): Record<string, string> {
  const found = streamJobsOf(json).find((j) => j.name === `${job}-pipeline`);
  return (found?.task as Task[])[0].notebook_task.base_parameters;
}

describe('stream-to-stream joins in the jobs', () => {
  test("the owner's task gets the other stream's spec, whichever was added first; the other's task gets none", () => {
    // GIVEN the joining stream added before the stream it joins
    const env = withStreams(definition('orders', ORDERS_FIELDS, PAID), definition('payments', PAYMENT_FIELDS));
    // THEN
    const json = fullSynth(env.app)['dev-workspace'];
    expect(JSON.parse(parametersOf(json, 'orders').join_specs)).toEqual({ payments: toStreamSpec(definition('payments', PAYMENT_FIELDS)) });
    expect(parametersOf(json, 'payments').join_specs).toBeUndefined();
    expect(JSON.parse(parametersOf(json, 'orders').spec).joins).toEqual([{ ...PAID[0] }]);
    expect(problemsOf(env.app)).toEqual([]);
  });

  test('a join to a stream the environment does not have is refused, naming the streams it has', () => {
    const env = withStreams(definition('orders', ORDERS_FIELDS, PAID), definition('refunds'));
    expect(problemsOf(env.app)).toEqual([
      "[dev-workspace/Stream-orders] streams.orders.joins[0].stream = 'payments' is invalid; allowed: a stream of this environment: refunds",
    ]);
  });

  test('a key of another type in the other stream and a column it lacks are each refused', () => {
    const payments = PAYMENT_FIELDS.map((f) => (f.name === 'store_id' ? { name: 'store_id', type: 'long' as const } : f)).filter(
      (f) => f.name !== 'payment_method',
    );
    const env = withStreams(definition('orders', ORDERS_FIELDS, PAID), definition('payments', payments));
    expect(problemsOf(env.app)).toEqual([
      "[dev-workspace/Stream-orders] streams.orders.joins[0].keys[0] = 'store_id' is invalid; allowed: a field of one type in both streams (string here, long in stream payments)",
      "[dev-workspace/Stream-orders] streams.orders.joins[0].columns[0] = 'payment_method' is invalid; allowed: a field of stream payments: order_id, store_id, ts, amount",
    ]);
  });
});
