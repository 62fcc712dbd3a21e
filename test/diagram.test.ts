import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultArchitecturePage, readmeWithDiagram } from '../stacks/diagram-main';

describe('architecture diagram', () => {
  const page = defaultArchitecturePage();

  test('docs/architecture.md is the diagram of the current default app (run `npm run diagram`)', () => {
    expect(fs.readFileSync(path.join(__dirname, '..', 'docs', 'architecture.md'), 'utf8')).toBe(page);
  });

  test('the README shows the current dev diagram (run `npm run diagram`)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    expect(readmeWithDiagram(readme)).toBe(readme);
  });

  test('each environment shows every stream from its event hub, through its consumer group (Kafka: none of Event Hubs), to its pipeline job, and on to the lake', () => {
    for (const env of ['dev', 'staging', 'prod']) expect(page).toContain(`## ${env}\n`);
    expect(page).toContain('hub_evh_iot_telemetry -- "eventhubs, cg-bronze" --> job_iot_telemetry_pipeline');
    expect(page).toContain('hub_evh_manufacturing_sensors -- "kafka" --> job_manufacturing_sensors_pipeline');
    expect(page).toContain('hub_evh_weather -- "eventhubs, $Default" --> job_weather_pipeline');
    expect(page).toContain('job_iot_telemetry_pipeline --> lake');
  });

  test('one job node per stream in every environment, and a backfill job node per stream with capture', () => {
    const streams = ['iot_telemetry', 'manufacturing_sensors', 'weather'];
    for (const section of page.split(/^## /m).slice(1)) {
      const captured = section.includes('"capture (Avro)"');
      const label = (name: string) => name.replace(/_/g, '-');
      expect(section.match(/^ {4}job_\w+\[.*\]$/gm)).toEqual(
        streams.flatMap((s) => [
          `    job_${s}_pipeline["${label(s)}: pipeline"]`,
          ...(captured ? [`    job_${s}_backfill["${label(s)}: backfill (by hand)"]`] : []),
        ]),
      );
      expect(section.match(/^ {2}job_\w+ --> lake$/gm)).toEqual(
        streams.flatMap((s) => [`  job_${s}_pipeline --> lake`, ...(captured ? [`  job_${s}_backfill --> lake`] : [])]),
      );
    }
  });

  test('capture appears where the environment enables it: staging and prod, not dev', () => {
    const [dev, staging, prod] = page.split(/^## /m).slice(1);
    expect(dev).not.toContain('capture (Avro)');
    expect(staging).toContain('hub_evh_iot_telemetry -- "capture (Avro)" --> lake');
    expect(prod).toContain('hub_evh_iot_telemetry -- "capture (Avro)" --> lake');
  });
});
