import { z } from "zod";

/** A field path such as `data.alert.title`, `items[0].name` or `$.labels` (a leading `$.` is optional). */
export const FieldPathSchema = z
  .string()
  .regex(/^(\$\.?)?([A-Za-z0-9_@-]+|\[\d+\])(\.?([A-Za-z0-9_@-]+|\[\d+\]))*$/, 'expected a field path such as "data.alert.title" or "items[0].name"');

const PathOrMapSchema = z.union([FieldPathSchema, z.record(z.string().min(1), FieldPathSchema)]);

/**
 * The `generic` source's field mapping (policy `generic:` in .github/pipemedic.yml): where in a JSON
 * body each alert field lives. Paths are read from each entry of `alerts` when it is given, else from the body.
 */
export const GenericMappingSchema = z.strictObject({
  /** Path to an array of alerts; omit when the body is one alert. */
  alerts: FieldPathSchema.optional(),
  title: FieldPathSchema,
  /** The alert rule's name; defaults to the title. */
  alertname: FieldPathSchema.optional(),
  severity: FieldPathSchema.optional(),
  status: FieldPathSchema.optional(),
  fingerprint: FieldPathSchema.optional(),
  startsAt: FieldPathSchema.optional(),
  endsAt: FieldPathSchema.optional(),
  /** A path to an object of labels, or label name → path. */
  labels: PathOrMapSchema.optional(),
  /** A path to an object of annotations, or annotation name → path. */
  annotations: PathOrMapSchema.optional(),
  /** A path to a link back to the alert (http or https only). */
  url: FieldPathSchema.optional(),
  /** Status values meaning resolved, compared case-insensitively; every other value means firing. */
  resolved: z.array(z.string()).default(["resolved", "ok", "closed", "recovered", "success", "succeeded", "normal", "inactive"]),
  /** Labels that identify the condition when no fingerprint path is given (default: all labels). */
  identity: z.array(z.string()).optional(),
  /** Detection without a named source: this path must exist, and equal `equals` when given. */
  detect: z.strictObject({ path: FieldPathSchema, equals: z.union([z.string(), z.number(), z.boolean()]).optional() }).optional(),
});
export type GenericMapping = z.infer<typeof GenericMappingSchema>;
export type GenericMappingInput = z.input<typeof GenericMappingSchema>;
