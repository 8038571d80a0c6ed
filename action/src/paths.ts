import { fileURLToPath } from "node:url";

/** The package root (holding runbooks/, knowledge/, action/scenarios/), from the bundled or source entry alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
