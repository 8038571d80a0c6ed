import type { Primitive } from "../../model/index.js";
import { changeInWindow } from "./change-in-window.js";
import { count } from "./count.js";
import { growth } from "./growth.js";
import { oscillation } from "./oscillation.js";
import { schemaDiff } from "./schema-diff.js";
import { skew } from "./skew.js";
import { stepChange } from "./step-change.js";
import { threshold } from "./threshold.js";
import type { PrimitiveImpl } from "./types.js";

/** Every primitive by name; each is one file with the same interface. */
export const primitives: Record<Primitive, PrimitiveImpl> = {
  threshold,
  step_change: stepChange,
  oscillation,
  growth,
  skew,
  count,
  change_in_window: changeInWindow,
  schema_diff: schemaDiff,
};

export { recordThreshold } from "./threshold.js";
export type { Measurement, PrimitiveContext, TelemetryRecord } from "./types.js";
