// Package deploy holds the Kubernetes manifests that run signals in a
// cluster, and the tests that keep them honest. It has no code of its own.
//
//   - k8s/config.yaml: the ServiceAccount signals, the ConfigMap
//     signals-config (time zone, currency, mail addresses, log format) and a
//     commented example of the Secret signals-secrets, which is created out
//     of band and never committed.
//   - k8s/cronjob.yaml: the CronJob signals-monthly, which runs
//     `signals run --require-fresh` for the last closed month on the 2nd.
//   - k8s/backfill-job.yaml: the Indexed Job signals-backfill, one pod per
//     month of a range, using `signals backfill --index-from-env`.
//
// The image they run is built by the Dockerfile at the repository root:
// a static binary on distroless, user 65532, entrypoint /signals, so the
// manifests pass only args and env. OPERATIONS.md tells how to deploy,
// backfill and watch.
//
// Invariant: every manifest decodes strictly into the Kubernetes API types
// (no unknown, duplicate or mis-cased fields), the pods run non-root on a
// read-only root file system, secrets reach the container only through
// secretKeyRef, and the CronJob's time zone equals SIGNALS_TZ. go test
// ./deploy checks all of it without a cluster.
package deploy
