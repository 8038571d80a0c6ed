import { CONFIG_PATH } from "../model/index.js";
import type { CliIo } from "./io.js";

/** Each command's usage text; `main` lists the commands. */
export const HELP: Record<string, string> = {
  main: `pipemedic — first responder for data-pipeline incidents

Usage: pipemedic <command> [options]

Commands:
  init [dir]                write the workflows, a commented ${CONFIG_PATH} and a knowledge/ skeleton
  demo                      replay a bundled scenario into a temporary git repository and show the result
  replay <dir>              replay one scenario folder (format: docs/scenario-format.md)
  eval <dir>                score every scenario folder under <dir> (--no-knowledge: as on an undescribed stack)
  export <incident>         turn an incident folder into a replay scenario (history as regression tests)
  investigate --alert <f>   investigate an alert body in a local repository
  normalize <file>          print the normalized alerts of a webhook body, or why it was rejected
  lint [dir]                validate knowledge/, runbooks/ and ${CONFIG_PATH}
  index [dir]               rebuild incidents/index.json, incidents/README.md and the monthly scorecards
  relay                     forward signed webhooks (Sentry, PagerDuty, dbt Cloud, …) as repository_dispatch events
  incidents list|show <id>  the recorded incidents, or one incident's cause, correction, fix and report
  feedback <id> --cause <c> record the real root cause of an incident (a correction Pipemedic learns from)
  notify slack              print a Slack Block Kit message for the Action's incidents output
  connectors check          ask each configured data source one question and say what works

Run 'pipemedic <command> --help' for a command's options; 'pipemedic --version' prints the version.
Colour on a terminal; NO_COLOR=1 turns it off.`,
  demo: `Usage: pipemedic demo [--scenario <id>] [--json]

Replays a bundled scenario through the full pipeline into a new temporary git repository,
prints the root cause, its confidence and where the report is, and leaves the repository for you to read.`,
  replay: `Usage: pipemedic replay <scenario-dir> [--json] [--out <repo-dir>]

Replays one scenario. With --out, commits the incident (and the fix branch) into that git
repository (created when missing); otherwise keeps everything in memory and prints the result.
The folder's format: docs/scenario-format.md; its expect.root_cause is an id of docs/root-causes.md.`,
  eval: `Usage: pipemedic eval <dir> [--json] [--no-knowledge] [--repo <dir>] [--baseline <file> [--min-move <n>]] [--summary <file>]

Replays every scenario folder under <dir> (any folder with a scenario.yaml) and scores it:
top1, top3, confident_wrong, distractor, incidents_ok (and pipelines_ok, onset_ok, fix_ok when expected).
--no-knowledge leaves out every knowledge/ file (the project's and each scenario's), as on a stack
nobody described yet: subjects then come from the alerts and discovery alone.
--repo evaluates with a repository's knowledge/, runbooks/ and .github/pipemedic.yml over the built-in
runbooks, as its investigations would run (use it for a team's scenarios/).
--baseline compares with a previous --json result: scenarios newly wrong, newly right, and moves of
the expected cause's confidence of --min-move or more (default 0.1). --summary appends that comparison
and every scenario's line as Markdown to a file ($GITHUB_STEP_SUMMARY in a workflow).
Exits 1 when a scenario could not be replayed, or regressed: right in the baseline and wrong now, or
right in both and no longer confirmed (its conclusion was confirmed and is not now).
Scenario format and scoring: docs/scenario-format.md; cause ids: docs/root-causes.md.`,
  export: `Usage: pipemedic export <incident-id|incident-folder> [--out <dir>] [--repo <dir>] [--id <scenario-id>] [--force] [--json]

Writes an investigated incident as a replay scenario (format v1), by default into scenarios/<id>:
the alerts from alerts.jsonl, re-wrapped as their source sends them, the telemetry every check and
discovery read from evidence/telemetry.json, now = the investigation's clock, and expect.root_cause =
feedback.actual_root_cause when a person corrected the incident, else the cause it found. Nothing is
read from outside the incident folder. An incident id is looked up under incidents/ of --repo (default:
the current directory). --force replaces a scenario already in --out. Exits 1 when the folder cannot
make a scenario (never investigated, or investigated before Pipemedic kept what its checks read).`,
  investigate: `Usage: pipemedic investigate (--alert <file> | --incident <id>) [--dry-run] [--source <source>] [--replay <scenario-dir>] [--repo <dir>] [--json]

Investigates one webhook body in a local git repository (default: the current directory), using
its knowledge/, runbooks/ and ${CONFIG_PATH}, and commits the incident there. --replay takes
telemetry from a scenario folder; without it, only the data sources configured are used.
--incident investigates a recorded incident now (one awaiting a manual trigger, or again).
--dry-run runs everything but commits nothing (no fix branch either) and lists the files it would write.`,
  normalize: `Usage: pipemedic normalize <file> [--headers <file>] [--source <source>] [--json]

Prints the alerts a webhook body normalizes to, or the reason it is rejected.`,
  lint: `Usage: pipemedic lint [dir]

Validates knowledge/, runbooks/ and ${CONFIG_PATH} under dir (default: the current directory).
Exits 1 when there are errors.`,
  index: `Usage: pipemedic index [dir] [--from-folders] [--json]

Rebuilds incident history in the git repository at dir (default: the current directory):
incidents/index.json, incidents/README.md and one scorecard per month under incidents/scorecards/.
Uses incidents/index.json when it is sound; when it is missing or damaged (or with --from-folders),
rebuilds it from every incident folder's README.md frontmatter and alerts.jsonl. A folder that cannot
be read is reported with its file and field and left out. A person's correction in an incident
README (feedback.actual_root_cause) is applied to the index, the scorecards and that README's banner,
and the bodies under incidents/_unparsed/ are listed first on the page. Writes the files into the work tree
without committing: review them with git diff, then commit them. Exits 1 when a file could not be read.`,
  relay: `Usage: pipemedic relay

Serves POST /hooks/<source> (alertmanager, grafana, sentry, pagerduty, dbt-cloud) and GET /healthz,
verifies each webhook's signature or shared secret, and forwards it as a repository_dispatch event.
Answers 2xx only once GitHub accepted it, else 503 so the sender retries. Configured by environment
variables: PIPEMEDIC_REPOSITORY, GITHUB_TOKEN or PIPEMEDIC_APP_ID + PIPEMEDIC_APP_PRIVATE_KEY +
PIPEMEDIC_APP_INSTALLATION_ID, PIPEMEDIC_RELAY_<SOURCE>_SECRET, HOST, PORT, GITHUB_API_URL (docs/relay.md).`,
  init: `Usage: pipemedic init [dir] [--force]
       pipemedic init --propose [dir]

Sets up Pipemedic in the repository at dir (default: the current directory): writes
.github/workflows/investigate.yml (repository_dispatch event type pipemedic-alert, and manual runs)
and .github/workflows/learn.yml, both naming a released version of the Action, and
.github/workflows/eval.yml (runbook and knowledge changes checked against the scenarios); a commented
${CONFIG_PATH} whose first line names its JSON Schema for editors; and a knowledge/ skeleton.
Refuses to overwrite a file that exists, naming it, unless --force is given.
--propose reads the connectors of ${CONFIG_PATH} and writes a pipeline file under
knowledge/pipelines/ for each Airflow DAG that ran in the last week and each Kafka consumer group
whose lag Prometheus has, unless knowledge/ already describes it: proposals for a person to review.`,
  incidents: `Usage: pipemedic incidents list [--status open|resolved] [--repo <dir>] [--json]
       pipemedic incidents show <id> [--repo <dir>] [--json]

Reads incidents/index.json of the repository at --repo (default: the current directory). list prints
each incident, newest first: id, status, severity, root cause (or awaiting a manual trigger) and
title. show prints one incident: its cause, a correction recorded with feedback, the fix and where
the report is.`,
  feedback: `Usage: pipemedic feedback <incident-id> --cause <cause-id> [--note <text>] [--new-cause] [--repo <dir>]

Records the real root cause of an incident in its README's frontmatter (feedback.actual_root_cause,
feedback.notes), then rebuilds incidents/index.json, incidents/README.md and the scorecards from it,
in the work tree (not committed: review with git diff, then commit). The cause must be an id of the
catalogue (docs/root-causes.md) or of the repository's runbooks/; --new-cause accepts a short
kebab-case name that has no runbook yet. Similar incidents later rank the corrected cause first.`,
  connectors: `Usage: pipemedic connectors check [--repo <dir>] [--timeout <seconds>] [--json]

Reads the connectors of ${CONFIG_PATH} in the repository at --repo (default: the current directory),
with their secrets from the environment variables they name, and asks each one question per kind
of data it answers (metrics, logs, changes, orchestrator, warehouse) over the last hour: works,
failed (with the error) or not set up (a missing variable). Exits 1 unless every connector works.
The github connector reads GITHUB_TOKEN (or GH_TOKEN), as the Action's token does in a run.`,
  notify: `Usage: pipemedic notify slack --incidents <json|@file> [--unparsed-count <n>] [--run-url <url>]

Prints a Slack message (JSON with text and Block Kit blocks) for the Action's incidents output, to
post with slackapi/slack-github-action or a webhook: per incident its title, root cause, confidence
and links to the report and the fix pull request. Alert text is shown as plain text, never as a
mention, a link or formatting. docs/recipes/notify.md has the workflow steps.`,
};

/** Prints a command's help (the command list for an unknown one) and returns the exit code 0. */
export function help(io: CliIo, command: string): number {
  io.out(`${HELP[command] ?? HELP.main}\n`);
  return 0;
}
