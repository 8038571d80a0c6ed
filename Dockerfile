# The Pipemedic webhook relay (docs/relay.md): the bundled CLI, which inlines every dependency, so the
# image holds package.json (for "type": "module") and one file. Build from the repository's root:
#   docker build -t pipemedic-relay .
FROM node:24-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY package.json ./
COPY action/dist/cli.js action/dist/cli.js
USER node
EXPOSE 8080
# The relay finishes the webhooks in progress on SIGTERM before it exits.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "action/dist/cli.js", "relay"]
