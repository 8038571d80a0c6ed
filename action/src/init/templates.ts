import { SCHEMA_BASE_URL } from "../schemas.js";

/** The Action as a user's workflow names it: a released major version (docs/releasing.md). */
export const ACTION_REF = "pipemedic/pipemedic@v1";

/** The event type every sender posts and the workflow listens to. */
export const EVENT_TYPE = "pipemedic-alert";

const investigate = `# Investigates alerts that reach this repository as repository_dispatch events (event type
# ${EVENT_TYPE}), and incidents awaiting a manual trigger through workflow_dispatch.
# Senders: docs/sources.md and docs/recipes/ in the Pipemedic repository.
name: Investigate

on:
  repository_dispatch:
    types: [${EVENT_TYPE}]
  workflow_dispatch:
    inputs:
      incident-id:
        description: Incident to investigate now (the folder name under incidents/)
        required: false
      alert:
        description: A webhook body to investigate
        required: false

# Commit incidents and push fix branches; open fix pull requests.
permissions:
  contents: write
  pull-requests: write

# Queued, never cancelled: a plain concurrency group would cancel pending runs and lose alerts.
concurrency:
  group: pipemedic
  cancel-in-progress: false
  queue: max

jobs:
  investigate:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - uses: actions/checkout@v5
      - uses: ${ACTION_REF}
        id: pipemedic
        with:
          incident-id: \${{ inputs.incident-id }}
          alert: \${{ inputs.alert }}
        # Secrets of the connectors in .github/pipemedic.yml, by the names it gives, e.g.:
        # env:
        #   PROMETHEUS_AUTH: \${{ secrets.PROMETHEUS_AUTH }}
      # The outputs (incidents, unparsed-count, summary-markdown) can reach on-call: a Slack message,
      # a note on the PagerDuty incident or the Opsgenie alert (docs/recipes/notify.md).
`;

const learn = `# Learns from review: when a Pipemedic fix pull request closes, a merged fix confirms the
# incident's cause, a closed one records the rejection. Memory uses both. A merged fix, or a correction
# pushed in an incident README (feedback.actual_root_cause), also adds the incident as a replay
# scenario under scenarios/, which the Eval workflow replays on pull requests (history as tests).
name: Learn

on:
  pull_request:
    types: [closed]
  push:
    paths: ["incidents/*/*/*/README.md"]

permissions:
  contents: write

concurrency:
  group: pipemedic-learn
  cancel-in-progress: false
  queue: max

jobs:
  learn:
    # Only fix branches carry an incident; a push teaches only on the default branch.
    if: >-
      startsWith(github.event.pull_request.head.ref, 'pipemedic/fix/') ||
      (github.event_name == 'push' && github.ref_name == github.event.repository.default_branch)
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - uses: actions/checkout@v5
        with:
          ref: \${{ github.event.repository.default_branch }}
      - uses: ${ACTION_REF}
`;

const policy = `# yaml-language-server: $schema=${SCHEMA_BASE_URL}/pipemedic.schema.json
#
# Pipemedic's policy. Everything is optional: each key below is commented out and shows its default.
# Secrets never live here: connectors name environment variables, which the workflow maps from
# repository secrets. \`npx pipemedic lint\` checks this file; docs/configuration.md explains each key.

# investigate:
#   # Investigated at once when any rule matches (every field given must match); other incidents
#   # are recorded awaiting a manual trigger (the Investigate workflow with the incident id).
#   auto:
#     - severity: [critical, high, medium]
#   group_window: 30m     # alerts of another fingerprint join an incident whose last alert is this close
#   reopen_window: 2h     # a re-fire this soon after resolution reopens the incident
#   quiet_period: 24h     # an incident with no new alert for this long is closed
#   max_per_run: 10       # investigated in one run, most severe first; the others await a trigger

# budgets:
#   concurrency: 8        # checks running at once
#   check_timeout: 10s    # per check
#   total: 2m             # per investigation
#   max_rounds: 3
#   max_checks: 200
#   run: 10m              # for the whole run, under the job's 15 minutes

# redaction:
#   patterns: []          # extra secrets to redact (RE2 regular expressions)

# remediation:
#   allowed_paths: ["**"] # globs a fix may touch (never .github/**, CODEOWNERS, action.yml)
#   draft_below: 0.8      # below this confidence the fix pull request is a draft

# Live telemetry. Without connectors, checks that need live data are reported as "could not
# check", never guessed. \`npx pipemedic connectors check\` asks each one configured whether it answers.
# connectors:
#   prometheus:
#     url: https://prometheus.internal.example
#     headers_env: { Authorization: PROMETHEUS_AUTH }
#   loki:
#     url: https://loki.internal.example
#   airflow:
#     url: https://airflow.internal.example
#     version: 2           # 1 = Airflow 2 (/api/v1), 2 = Airflow 3 (/api/v2)
#     token_env: AIRFLOW_TOKEN
#   github:
#     repos: [acme/pipelines]   # commits and deployments that count as changes
`;

const knowledgeReadme = `# knowledge/

What Pipemedic knows about your pipelines. All of it is optional: without it, the entities of an
incident come from the alert and from discovery against your telemetry. What you write here
sharpens an investigation: names and aliases, lineage (upstream and downstream), owners (reviewers
of fix pull requests) and the config files a fix may edit.

- \`pipelines/<id>.md\`: one pipeline per file, YAML frontmatter then prose.
- \`services/<id>.md\`: one service per file.
- \`aliases.md\`: your names for standard metrics and labels.

A pipeline, for example \`pipelines/orders-daily.md\`:

\`\`\`markdown
---
id: orders-daily
title: Orders daily load
components:
  - { kind: airflow, dag_id: orders_daily }
  - { kind: warehouse, table: analytics.fct_orders }
owners: ["@acme/data-platform"]
config: { dag: dags/orders_daily.py }
paths: ["dags/orders_daily.py"]
---
Loads yesterday's orders into the warehouse at 02:00.
\`\`\`

\`npx pipemedic lint\` checks these files. Editors complete them with the JSON Schemas named in
docs/knowledge.md of the Pipemedic repository.
`;

/**
 * The files \`pipemedic init\` writes into a repository, path → content: the Investigate and Learn
 * workflows (naming a released version of the Action), a commented policy file and a knowledge/
 * skeleton. \`extraWorkflows\` adds more workflows by file name (another feature's templates).
 */
export function initFiles(extraWorkflows: Record<string, string> = {}): Record<string, string> {
  return {
    ".github/workflows/investigate.yml": investigate,
    ".github/workflows/learn.yml": learn,
    ...Object.fromEntries(Object.entries(extraWorkflows).map(([name, text]) => [`.github/workflows/${name}`, text])),
    ".github/pipemedic.yml": policy,
    "knowledge/README.md": knowledgeReadme,
    "knowledge/pipelines/.gitkeep": "",
    "knowledge/services/.gitkeep": "",
  };
}
