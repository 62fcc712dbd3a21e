import { EventHub } from '../constructs/eventhubs/event-hub';
import { MedallionPipeline } from '../constructs/patterns/medallion-pipeline';
import { BACKFILL_TASK, PIPELINE_TASK } from '../jobs/job-definitions';
import { StreamJobs } from '../jobs/stream-jobs';
import type { EnvironmentStacks } from './app';

/** A Mermaid flowchart identifier: letters, digits and underscores only. */
const id = (...parts: string[]): string => parts.join('_').replace(/[^A-Za-z0-9_]/g, '_');

/**
 * The deployed architecture of one environment as a Mermaid flowchart, read from its construct tree:
 * what each stream's `MedallionPipeline` and `StreamJobs` (one pipeline job) created, and the platform resources
 * they use. Deterministic (streams in tree order), so the committed diagram can be checked in CI.
 */
export function architectureDiagram(stacks: EnvironmentStacks): string {
  const { platform, workspace } = stacks;
  const config = platform.config;
  const lines: string[] = ['flowchart LR'];
  const add = (line: string) => lines.push(`  ${line}`);

  add(`subgraph ${id(platform.node.id)}["${platform.node.id} (${config.region}, network ${config.network.mode})"]`);
  add(`  namespace["Event Hubs namespace ${platform.namespace.name}<br/>${platform.namespace.tier}, ${config.eventHubs.capacity} unit(s)"]`);
  add(`  vault["Key Vault ${platform.naming.keyVault()}<br/>RBAC, purge protection"]`);
  add(`  lake[("ADLS Gen2 ${platform.lake.name}<br/>bronze · silver · gold · checkpoints · capture · quarantine")]`);
  add(`  logs["Log Analytics ${platform.logs.name}"]`);
  add(`  dbw["Databricks workspace ${platform.naming.databricksWorkspace()}"]`);
  for (const hub of platform.namespace.node.findAll().filter((node): node is EventHub => node instanceof EventHub)) {
    const groups = [...hub.consumerGroups.keys()];
    add(`  ${id('hub', hub.name)}["${hub.name}<br/>${hub.partitions} partitions${groups.length ? `, groups ${groups.join(', ')}` : ''}"]`);
    add(`  namespace --> ${id('hub', hub.name)}`);
  }
  add('end');

  add(
    `subgraph ${id(workspace.node.id)}["${workspace.node.id} (jobs ${config.databricks.jobMode}, ${config.databricks.unityCatalog ? 'Unity Catalog' : 'lake paths'})"]`,
  );
  add(`  scope["secret scope ${workspace.secretScope.backend}"]`);
  add(`  warehouse["SQL warehouse (BI)"]`);
  for (const jobs of workspace.node.findAll().filter((node): node is StreamJobs => node instanceof StreamJobs)) {
    add(`  ${id('job', jobs.streamName, PIPELINE_TASK.taskKey)}["${jobs.streamName}: ${PIPELINE_TASK.taskKey}"]`);
    if (jobs.backfill) add(`  ${id('job', jobs.streamName, BACKFILL_TASK.taskKey)}["${jobs.streamName}: ${BACKFILL_TASK.taskKey} (by hand)"]`);
  }
  add('end');

  for (const pipeline of platform.node.findAll().filter((node): node is MedallionPipeline => node instanceof MedallionPipeline)) {
    const name = pipeline.spec.name;
    const hub = id('hub', pipeline.eventHub.name);
    if (pipeline.listenRule) add(`${hub} -. "${pipeline.listenRule.nameInput} (listen)" .-> vault`);
    if (pipeline.eventHub.resource.captureDescriptionInput) add(`${hub} -- "capture (Avro)" --> lake`);
    const jobs = workspace.streams.get(name);
    if (!jobs) continue;
    const job = id('job', name, PIPELINE_TASK.taskKey);
    // A Kafka source reads with Kafka's own group, not an Event Hubs consumer group.
    const { type, consumerGroups } = pipeline.spec.source;
    const via = pipeline.receiverRole ? ', Entra ID' : '';
    add(`${hub} -- "${type === 'kafka' ? `kafka${via}` : `${type}, ${consumerGroups.bronze}`}" --> ${job}`);
    add(`${job} --> lake`);
    // The backfill job reads Capture's files and writes the same tables.
    if (jobs.backfill) {
      const backfill = id('job', name, BACKFILL_TASK.taskKey);
      add(`lake -- "capture files" --> ${backfill}`);
      add(`${backfill} --> lake`);
    }
  }
  add('vault -- "Key Vault Secrets User" --> scope');
  add('scope --> dbw');
  add('lake --> warehouse');
  for (const target of ['namespace', 'vault', 'lake', 'dbw']) add(`${target} -. diagnostics .-> logs`);
  return `${lines.join('\n')}\n`;
}

/** A Markdown page with one diagram per environment. */
export function architecturePage(environments: readonly EnvironmentStacks[]): string {
  const sections = environments.map((stacks) => `## ${stacks.platform.config.name}\n\n\`\`\`mermaid\n${architectureDiagram(stacks)}\`\`\`\n`);
  return `# Architecture of the default app\n\nGenerated from the construct tree by \`npm run diagram\`; \`test/diagram.test.ts\` keeps it current.\n\n${sections.join('\n')}`;
}
