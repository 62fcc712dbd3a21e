// The example streams of the default app, taken from the seeds.
import { iotTelemetry } from './iot-telemetry';
import { manufacturingSensors } from './manufacturing-sensors';
import { weather } from './weather';

export const EXAMPLE_STREAMS = [iotTelemetry, manufacturingSensors, weather] as const;
