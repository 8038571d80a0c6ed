import { z } from "zod";

/** A component of a pipeline: a DAG, a topic, a consumer group, a dbt model, a table, a service. */
export const ComponentSchema = z
  .object({
    kind: z.string().min(1),
  })
  .catchall(z.union([z.string(), z.number(), z.boolean()]));
export type Component = z.infer<typeof ComponentSchema>;

/** knowledge/pipelines/<id>.md frontmatter. */
export const PipelineSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-_]*$/, "kebab-case id"),
  title: z.string().optional(),
  components: z.array(ComponentSchema).default([]),
  upstream: z.array(z.string()).default([]),
  downstream: z.array(z.string()).default([]),
  owners: z.array(z.string()).default([]),
  repository: z.string().optional(),
  /** Named config files (for example `consumer: pipelines/orders/consumer.yaml`) that fixes may edit. */
  config: z.record(z.string(), z.string()).default({}),
  /** Paths in the repository that belong to this pipeline; a change touching them is a change to it. */
  paths: z.array(z.string()).default([]),
  services: z.array(z.string()).default([]),
  sla: z.string().optional(),
  description: z.string().optional(),
});
export type Pipeline = z.infer<typeof PipelineSchema>;

/** knowledge/services/<id>.md frontmatter. */
export const ServiceSchema = z.object({
  id: z.string().min(1),
  title: z.string().optional(),
  owners: z.array(z.string()).default([]),
  repository: z.string().optional(),
  paths: z.array(z.string()).default([]),
});
export type Service = z.infer<typeof ServiceSchema>;

/** Metric and label aliases: the standard exporter name on the left, this company's on the right. */
export const AliasesSchema = z.object({
  metrics: z.record(z.string(), z.string()).default({}),
  labels: z.record(z.string(), z.string()).default({}),
});
export type Aliases = z.infer<typeof AliasesSchema>;

/** Everything knowledge/ holds, loaded and validated. */
export interface Knowledge {
  pipelines: Pipeline[];
  services: Service[];
  aliases: Aliases;
}
