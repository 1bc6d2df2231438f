package deploy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // like the image (-tags timetzdata): zones do not depend on the host

	"github.com/google/go-cmp/cmp"
	"github.com/robfig/cron/v3"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	"github.com/signalsdev/signals/transform"
)

// The names the manifests share with each other and with the binary.
const (
	monthlyName   = "signals-monthly"
	backfillName  = "signals-backfill"
	configName    = "signals-config"
	secretName    = "signals-secrets"
	accountName   = "signals"
	containerName = "signals"
	nonrootID     = int64(65532) // nonroot:nonroot in distroless, the Dockerfile's USER
	tmpDir        = "/tmp"
)

// The files under k8s/ that the tests expect, and nothing else.
var manifestFiles = []string{"backfill-job.yaml", "config.yaml", "cronjob.yaml"}

// manifests are the objects of every file under k8s/, decoded strictly.
type manifests struct {
	cronJobs        map[string]*batchv1.CronJob
	jobs            map[string]*batchv1.Job
	configMaps      map[string]*corev1.ConfigMap
	serviceAccounts map[string]*corev1.ServiceAccount
	secrets         []string // "file: name"; there must be none
	namespaced      []string // "file: kind/name" of objects that set a namespace
}

// decodeStrict decodes one YAML document into v as the API server reads a
// request: field names are case-sensitive, and unknown fields, duplicate
// fields and values of the wrong type are errors.
func decodeStrict(doc []byte, v any) error {
	j, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return fmt.Errorf("yaml to json: %w", err)
	}
	strictErrs, err := kjson.UnmarshalStrict(j, v)
	if err != nil {
		return err
	}
	return errors.Join(strictErrs...)
}

// splitDocuments splits a multi-document YAML stream on "---" lines. Empty
// documents and documents of comments only come back as nil.
func splitDocuments(b []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	flush := func() {
		docs = append(docs, bytes.Clone(cur.Bytes()))
		cur.Reset()
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimRight(line, " \t") == "---" {
			flush()
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	flush()
	for i, d := range docs {
		if j, err := yaml.YAMLToJSON(d); err == nil && string(j) == "null" {
			docs[i] = nil
		}
	}
	return docs
}

// loadManifests reads and strictly decodes every document of every file
// under k8s/. Any decoding problem fails the test.
func loadManifests(t *testing.T) *manifests {
	t.Helper()
	m := &manifests{
		cronJobs:        map[string]*batchv1.CronJob{},
		jobs:            map[string]*batchv1.Job{},
		configMaps:      map[string]*corev1.ConfigMap{},
		serviceAccounts: map[string]*corev1.ServiceAccount{},
	}
	files, err := filepath.Glob(filepath.Join("k8s", "*.y*ml"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	if diff := cmp.Diff(manifestFiles, names); diff != "" {
		t.Fatalf("files under deploy/k8s (-want +got):\n%s", diff)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range splitDocuments(b) {
			if doc == nil {
				continue
			}
			where := fmt.Sprintf("%s document %d", filepath.Base(f), i+1)
			var tm struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			if err := yaml.Unmarshal(doc, &tm); err != nil {
				t.Errorf("%s: %v", where, err)
				continue
			}
			var (
				obj  any
				meta *metav1.ObjectMeta
			)
			switch tm.APIVersion + " " + tm.Kind {
			case "batch/v1 CronJob":
				o := &batchv1.CronJob{}
				obj, meta = o, &o.ObjectMeta
			case "batch/v1 Job":
				o := &batchv1.Job{}
				obj, meta = o, &o.ObjectMeta
			case "v1 ConfigMap":
				o := &corev1.ConfigMap{}
				obj, meta = o, &o.ObjectMeta
			case "v1 ServiceAccount":
				o := &corev1.ServiceAccount{}
				obj, meta = o, &o.ObjectMeta
			case "v1 Secret":
				o := &corev1.Secret{}
				obj, meta = o, &o.ObjectMeta
			default:
				t.Errorf("%s: unexpected apiVersion %q kind %q", where, tm.APIVersion, tm.Kind)
				continue
			}
			if err := decodeStrict(doc, obj); err != nil {
				t.Errorf("%s: strict decode as %s: %v", where, tm.Kind, err)
				continue
			}
			name := meta.Name
			if name == "" {
				t.Errorf("%s: %s has no metadata.name", where, tm.Kind)
			}
			if meta.Namespace != "" {
				m.namespaced = append(m.namespaced, fmt.Sprintf("%s: %s/%s", where, tm.Kind, name))
			}
			var dup bool
			switch o := obj.(type) {
			case *batchv1.CronJob:
				_, dup = m.cronJobs[name]
				m.cronJobs[name] = o
			case *batchv1.Job:
				_, dup = m.jobs[name]
				m.jobs[name] = o
			case *corev1.ConfigMap:
				_, dup = m.configMaps[name]
				m.configMaps[name] = o
			case *corev1.ServiceAccount:
				_, dup = m.serviceAccounts[name]
				m.serviceAccounts[name] = o
			case *corev1.Secret:
				m.secrets = append(m.secrets, where+": "+name)
			}
			if dup {
				t.Errorf("%s: %s %q defined twice", where, tm.Kind, name)
			}
		}
	}
	return m
}

// workloads are the pod templates of the CronJob and the backfill Job, by name.
func (m *manifests) workloads(t *testing.T) map[string]*corev1.PodTemplateSpec {
	t.Helper()
	cj := m.cronJob(t)
	job := m.backfill(t)
	return map[string]*corev1.PodTemplateSpec{
		monthlyName:  &cj.Spec.JobTemplate.Spec.Template,
		backfillName: &job.Spec.Template,
	}
}

func (m *manifests) cronJob(t *testing.T) *batchv1.CronJob {
	t.Helper()
	cj, ok := m.cronJobs[monthlyName]
	if !ok {
		t.Fatalf("no CronJob %s", monthlyName)
	}
	return cj
}

func (m *manifests) backfill(t *testing.T) *batchv1.Job {
	t.Helper()
	j, ok := m.jobs[backfillName]
	if !ok {
		t.Fatalf("no Job %s", backfillName)
	}
	return j
}

func (m *manifests) config(t *testing.T) *corev1.ConfigMap {
	t.Helper()
	c, ok := m.configMaps[configName]
	if !ok {
		t.Fatalf("no ConfigMap %s", configName)
	}
	return c
}

// container returns the one container of a pod template, named signals.
func container(t *testing.T, name string, pod *corev1.PodTemplateSpec) *corev1.Container {
	t.Helper()
	if n := len(pod.Spec.Containers); n != 1 {
		t.Fatalf("%s: %d containers, want 1", name, n)
	}
	c := &pod.Spec.Containers[0]
	if c.Name != containerName {
		t.Errorf("%s: container %q, want %q (podFailurePolicy names it)", name, c.Name, containerName)
	}
	return c
}

// val dereferences p, or is nil for a nil pointer, so that a missing field
// shows up as nil in a diff rather than as a panic or a zero.
func val[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// deref dereferences p, or is def for a nil pointer.
func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// sortedKeys lists the names of a set of objects.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// flagValue returns the value of flag name (without dashes) in args, written
// as "--name value", "--name=value" or with a single dash, as the Go flag
// package accepts.
func flagValue(args []string, name string) (string, bool) {
	for i, a := range args {
		for _, p := range []string{"--", "-"} {
			if a == p+name && i+1 < len(args) {
				return args[i+1], true
			}
			if v, ok := strings.CutPrefix(a, p+name+"="); ok {
				return v, true
			}
		}
	}
	return "", false
}

// hasFlag reports whether boolean flag name appears in args.
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--"+name || a == "-"+name || strings.HasPrefix(a, "--"+name+"=") || strings.HasPrefix(a, "-"+name+"=") {
			return true
		}
	}
	return false
}

// exitCodeAction returns the podFailurePolicy action for exit code code of
// the signals container, or "" when no rule matches.
func exitCodeAction(p *batchv1.PodFailurePolicy, code int32) batchv1.PodFailurePolicyAction {
	if p == nil {
		return ""
	}
	for _, r := range p.Rules {
		e := r.OnExitCodes
		if e == nil || (e.ContainerName != nil && *e.ContainerName != containerName) {
			continue
		}
		in := slices.Contains(e.Values, code)
		if (e.Operator == batchv1.PodFailurePolicyOnExitCodesOpIn) == in {
			return r.Action
		}
	}
	return ""
}

// disruptionAction returns the podFailurePolicy action for pods evicted by a
// disruption (node drain, preemption), or "".
func disruptionAction(p *batchv1.PodFailurePolicy) batchv1.PodFailurePolicyAction {
	if p == nil {
		return ""
	}
	for _, r := range p.Rules {
		for _, c := range r.OnPodConditions {
			if c.Type == corev1.DisruptionTarget {
				return r.Action
			}
		}
	}
	return ""
}

func TestManifestSet(t *testing.T) {
	m := loadManifests(t)
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"CronJobs", sortedKeys(m.cronJobs), []string{monthlyName}},
		{"Jobs", sortedKeys(m.jobs), []string{backfillName}},
		{"ConfigMaps", sortedKeys(m.configMaps), []string{configName}},
		{"ServiceAccounts", sortedKeys(m.serviceAccounts), []string{accountName}},
		{"Secrets (real values are never committed; the example stays a comment)", m.secrets, []string(nil)},
		{"objects with a namespace (the namespace comes from kubectl -n)", m.namespaced, []string(nil)},
	} {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
}

func TestServiceAccount(t *testing.T) {
	m := loadManifests(t)
	sa, ok := m.serviceAccounts[accountName]
	if !ok {
		t.Fatalf("no ServiceAccount %s", accountName)
	}
	if got := val(sa.AutomountServiceAccountToken); got != false {
		t.Errorf("ServiceAccount %s automountServiceAccountToken = %v, want false: signals needs no API access", accountName, got)
	}
}

func TestDecodeStrictRejects(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		doc  string
	}{
		{"unknown field", "apiVersion: batch/v1\nkind: CronJob\nspec:\n  concurencyPolicy: Forbid\n"},
		{"field in the wrong case", "apiVersion: batch/v1\nkind: CronJob\nspec:\n  Schedule: \"0 7 2 * *\"\n"},
		{"field in the wrong place", "apiVersion: batch/v1\nkind: CronJob\nspec:\n  backoffLimit: 2\n"},
		{"duplicate field", "apiVersion: batch/v1\nkind: CronJob\nspec:\n  schedule: a\n  schedule: b\n"},
		{"number where a string belongs", "apiVersion: v1\nkind: ConfigMap\ndata:\n  SIGNALS_TZ: 3\n"},
		{"YAML 1.1 boolean where a string belongs", "apiVersion: v1\nkind: ConfigMap\ndata:\n  SIGNALS_SEND: yes\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var obj any = &batchv1.CronJob{}
			if strings.Contains(c.doc, "ConfigMap") {
				obj = &corev1.ConfigMap{}
			}
			if err := decodeStrict([]byte(c.doc), obj); err == nil {
				t.Errorf("decodeStrict accepted:\n%s", c.doc)
			}
		})
	}
}

func TestSplitDocuments(t *testing.T) {
	t.Parallel()
	in := "---\n# only a comment\n---\na: 1\n---  \nb: 2\n--- # not a separator\n"
	var got []string
	for _, d := range splitDocuments([]byte(in)) {
		got = append(got, string(d))
	}
	want := []string{"", "", "a: 1\n", "b: 2\n--- # not a separator\n"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("splitDocuments (-want +got):\n%s", diff)
	}
}

func TestCronJob(t *testing.T) {
	m := loadManifests(t)
	cj := m.cronJob(t)
	js := cj.Spec.JobTemplate.Spec
	args := container(t, monthlyName, &js.Template).Args
	if len(args) == 0 {
		t.Fatal("CronJob container has no args")
	}
	out, _ := flagValue(args, "out")
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"schedule", cj.Spec.Schedule, "0 7 2 * *"},
		{"timeZone is set", cj.Spec.TimeZone != nil && *cj.Spec.TimeZone != "", true},
		{"concurrencyPolicy", cj.Spec.ConcurrencyPolicy, batchv1.ForbidConcurrent},
		{"startingDeadlineSeconds", val(cj.Spec.StartingDeadlineSeconds), int64(3600)},
		{"successfulJobsHistoryLimit", val(cj.Spec.SuccessfulJobsHistoryLimit), int32(3)},
		{"failedJobsHistoryLimit", val(cj.Spec.FailedJobsHistoryLimit), int32(5)},
		{"suspend", val(cj.Spec.Suspend), nil},
		{"backoffLimit", val(js.BackoffLimit), int32(2)},
		{"activeDeadlineSeconds", val(js.ActiveDeadlineSeconds), int64(3600)},
		{"ttlSecondsAfterFinished", val(js.TTLSecondsAfterFinished), int32(604800)},
		{"exit 2 (bad usage or input) fails the Job without retries", exitCodeAction(js.PodFailurePolicy, 2), batchv1.PodFailurePolicyActionFailJob},
		{"exit 1 (failed) is retried", exitCodeAction(js.PodFailurePolicy, 1), batchv1.PodFailurePolicyAction("")},
		{"evictions do not count as failures", disruptionAction(js.PodFailurePolicy), batchv1.PodFailurePolicyActionIgnore},
		{"subcommand", args[0], "run"},
		{"--require-fresh", hasFlag(args, "require-fresh"), true},
		{"--out", out, "/tmp/out"},
		{"no --month: run takes the last closed month", hasFlag(args, "month"), false},
		{"no --allow-open-month", hasFlag(args, "allow-open-month"), false},
		{"no --no-send: the monthly run mails its digests", hasFlag(args, "no-send"), false},
	} {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
	if _, err := cron.ParseStandard(cj.Spec.Schedule); err != nil {
		t.Errorf("schedule %q: %v", cj.Spec.Schedule, err)
	}
	if strings.Contains(cj.Spec.Schedule, "TZ=") {
		t.Errorf("schedule %q: the time zone belongs in spec.timeZone, not the schedule", cj.Spec.Schedule)
	}
}

// TestTimeZoneMatchesConfig: the CronJob fires at local time in its
// timeZone, and the binary picks "the last closed month" in SIGNALS_TZ; the
// two must be the same zone, and a real one.
func TestTimeZoneMatchesConfig(t *testing.T) {
	m := loadManifests(t)
	cj := m.cronJob(t)
	cfg := m.config(t)
	tz, ok := cfg.Data["SIGNALS_TZ"]
	if !ok {
		t.Fatalf("ConfigMap %s has no SIGNALS_TZ", configName)
	}
	if got := val(cj.Spec.TimeZone); got != tz {
		t.Errorf("CronJob timeZone %v, ConfigMap SIGNALS_TZ %q: they must match", got, tz)
	}
	if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
		t.Errorf("SIGNALS_TZ %q is not an IANA time zone: %v", tz, err)
	}
}

func TestConfigMap(t *testing.T) {
	m := loadManifests(t)
	cfg := m.config(t)
	for _, key := range []string{"SIGNALS_TZ", "SIGNALS_CURRENCY", "SIGNALS_MAIL_FROM", "SIGNALS_FINANCE_TO", "SIGNALS_CX_TO", "SIGNALS_LOG_FORMAT"} {
		if cfg.Data[key] == "" {
			t.Errorf("ConfigMap %s: %s missing or empty", configName, key)
		}
	}
	if got := cfg.Data["SIGNALS_LOG_FORMAT"]; got != "json" {
		t.Errorf("SIGNALS_LOG_FORMAT = %q, want json", got)
	}
	if cur := cfg.Data["SIGNALS_CURRENCY"]; !regexp.MustCompile(`^[A-Z]{3}$`).MatchString(cur) {
		t.Errorf("SIGNALS_CURRENCY = %q, want an ISO 4217 code", cur)
	}
	for key := range cfg.Data {
		if secretLooking(key) {
			t.Errorf("ConfigMap %s has key %s: secrets belong in the Secret %s", configName, key, secretName)
		}
	}
	if len(cfg.BinaryData) > 0 {
		t.Errorf("ConfigMap %s has binaryData", configName)
	}
}

func TestPodSecurity(t *testing.T) {
	m := loadManifests(t)
	for name, pod := range m.workloads(t) {
		t.Run(name, func(t *testing.T) {
			ps := pod.Spec
			sc := ps.SecurityContext
			if sc == nil {
				sc = &corev1.PodSecurityContext{}
			}
			var seccomp any
			if sc.SeccompProfile != nil {
				seccomp = sc.SeccompProfile.Type
			}
			c := container(t, name, pod)
			csc := c.SecurityContext
			if csc == nil {
				csc = &corev1.SecurityContext{}
			}
			var drop, add any
			if csc.Capabilities != nil {
				drop, add = csc.Capabilities.Drop, csc.Capabilities.Add
			}
			for _, ck := range []struct {
				name      string
				got, want any
			}{
				{"restartPolicy", ps.RestartPolicy, corev1.RestartPolicyNever},
				{"serviceAccountName", ps.ServiceAccountName, accountName},
				{"automountServiceAccountToken", val(ps.AutomountServiceAccountToken), false},
				{"terminationGracePeriodSeconds", val(ps.TerminationGracePeriodSeconds), int64(60)},
				{"hostNetwork/hostPID/hostIPC", ps.HostNetwork || ps.HostPID || ps.HostIPC, false},
				{"runAsNonRoot", val(sc.RunAsNonRoot), true},
				{"runAsUser", val(sc.RunAsUser), nonrootID},
				{"runAsGroup", val(sc.RunAsGroup), nonrootID},
				{"fsGroup", val(sc.FSGroup), nonrootID},
				{"seccompProfile", seccomp, corev1.SeccompProfileTypeRuntimeDefault},
				{"container allowPrivilegeEscalation", val(csc.AllowPrivilegeEscalation), false},
				{"container readOnlyRootFilesystem", val(csc.ReadOnlyRootFilesystem), true},
				{"container privileged", val(csc.Privileged), nil},
				{"container runAsUser (the pod's applies)", val(csc.RunAsUser), nil},
				{"container capabilities drop", drop, []corev1.Capability{"ALL"}},
				{"container capabilities add", add, []corev1.Capability(nil)},
				{"container command (the image's ENTRYPOINT runs)", c.Command, []string(nil)},
				{"envFrom", c.EnvFrom, []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: configName}}}}},
			} {
				if diff := cmp.Diff(ck.want, ck.got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", ck.name, diff)
				}
			}
			checkResources(t, c.Resources)
			checkTmp(t, pod, c)
		})
	}
}

// checkResources: requests cpu 500m and memory 256Mi, a 1Gi memory limit and
// no CPU limit (throttling a batch job only makes it slower).
func checkResources(t *testing.T, r corev1.ResourceRequirements) {
	t.Helper()
	for _, c := range []struct {
		name string
		list corev1.ResourceList
		res  corev1.ResourceName
		want string // "" means absent
	}{
		{"requests", r.Requests, corev1.ResourceCPU, "500m"},
		{"requests", r.Requests, corev1.ResourceMemory, "256Mi"},
		{"limits", r.Limits, corev1.ResourceMemory, "1Gi"},
		{"limits", r.Limits, corev1.ResourceCPU, ""},
	} {
		got, ok := c.list[c.res]
		switch {
		case c.want == "" && ok:
			t.Errorf("resources.%s.%s = %s, want none", c.name, c.res, got.String())
		case c.want != "" && !ok:
			t.Errorf("resources.%s.%s missing, want %s", c.name, c.res, c.want)
		case c.want != "" && got.Cmp(resource.MustParse(c.want)) != 0:
			t.Errorf("resources.%s.%s = %s, want %s", c.name, c.res, got.String(), c.want)
		}
	}
}

// checkTmp: /tmp is an emptyDir on disk with a size limit, and it is the only
// writable place, so --out must be under it.
func checkTmp(t *testing.T, pod *corev1.PodTemplateSpec, c *corev1.Container) {
	t.Helper()
	var mount *corev1.VolumeMount
	for i, vm := range c.VolumeMounts {
		if vm.MountPath == tmpDir {
			mount = &c.VolumeMounts[i]
		}
	}
	if mount == nil {
		t.Fatalf("no volume mounted at %s", tmpDir)
	}
	if mount.ReadOnly {
		t.Errorf("%s is mounted read-only", tmpDir)
	}
	var vol *corev1.Volume
	for i, v := range pod.Spec.Volumes {
		if v.Name == mount.Name {
			vol = &pod.Spec.Volumes[i]
		}
	}
	switch {
	case vol == nil:
		t.Errorf("volume %q mounted at %s is not defined", mount.Name, tmpDir)
	case vol.EmptyDir == nil:
		t.Errorf("volume %q mounted at %s is not an emptyDir", mount.Name, tmpDir)
	default:
		if vol.EmptyDir.Medium != corev1.StorageMediumDefault {
			t.Errorf("emptyDir medium %q: a memory-backed /tmp would count against the memory limit", vol.EmptyDir.Medium)
		}
		if l := vol.EmptyDir.SizeLimit; l == nil || l.Cmp(resource.MustParse("1Gi")) != 0 {
			t.Errorf("emptyDir sizeLimit = %v, want 1Gi", val(l))
		}
	}
	out, ok := flagValue(c.Args, "out")
	if !ok {
		t.Fatalf("args %q: no --out", c.Args)
	}
	if !strings.HasPrefix(path.Clean(out)+"/", tmpDir+"/") || path.Clean(out) == tmpDir {
		t.Errorf("--out %q is not under %s, the only writable mount (readOnlyRootFilesystem)", out, tmpDir)
	}
}

// secretLooking reports whether an environment variable or ConfigMap key
// name suggests a secret.
func secretLooking(name string) bool {
	n := strings.ToUpper(name)
	for _, s := range []string{"DATABASE_URL", "SMTP_URL", "PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL", "_KEY", "DSN"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

func TestSecretsFromSecretKeyRef(t *testing.T) {
	m := loadManifests(t)
	for _, w := range []struct {
		name string
		want []string // the secret keys the container must get, in order
	}{
		{monthlyName, []string{"DATABASE_URL", "SIGNALS_SMTP_URL"}},
		// A backfill sends no mail, so it gets no SMTP credentials.
		{backfillName, []string{"DATABASE_URL"}},
	} {
		t.Run(w.name, func(t *testing.T) {
			c := container(t, w.name, m.workloads(t)[w.name])
			var fromSecret []string
			for _, e := range c.Env {
				ref := (*corev1.SecretKeySelector)(nil)
				if e.ValueFrom != nil {
					ref = e.ValueFrom.SecretKeyRef
				}
				switch {
				case ref != nil:
					if e.Value != "" {
						t.Errorf("env %s has both a value and a secretKeyRef", e.Name)
					}
					if ref.Name != secretName || ref.Key != e.Name {
						t.Errorf("env %s from secret %s key %s, want secret %s key %s", e.Name, ref.Name, ref.Key, secretName, e.Name)
					}
					if val(ref.Optional) == true {
						t.Errorf("env %s: secretKeyRef is optional; a missing secret must stop the pod from starting", e.Name)
					}
					fromSecret = append(fromSecret, e.Name)
				case secretLooking(e.Name):
					t.Errorf("env %s looks like a secret but is not from a secretKeyRef", e.Name)
				}
			}
			if diff := cmp.Diff(w.want, fromSecret); diff != "" {
				t.Errorf("env from secretKeyRef (-want +got):\n%s", diff)
			}
			for _, ef := range c.EnvFrom {
				if ef.SecretRef != nil {
					t.Errorf("envFrom secretRef %s: name the keys with secretKeyRef instead", ef.SecretRef.Name)
				}
			}
		})
	}
}

// urlWithPassword matches scheme://user:password@ even where net/url would
// give up, and keyword connection strings with a password.
var urlWithPassword = regexp.MustCompile(`(?i)[a-z][a-z0-9+.-]*://[^/@\s:]*:[^/@\s]+@|\bpassword\s*=\s*\S`)

// hasPassword reports whether s carries a password: a URL with user:password
// or a keyword connection string ("host=... password=...").
func hasPassword(s string) bool {
	if u, err := url.Parse(strings.TrimSpace(s)); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			return true
		}
	}
	return urlWithPassword.MatchString(s)
}

func TestHasPassword(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"postgres://signals:hunter2@db:5432/warehouse?sslmode=require", true},
		{"smtp://user:p%40ss@smtp.example.com:587?tls=starttls", true},
		{"postgres://signals:@db/warehouse", false},
		{"host=db user=signals password=hunter2", true},
		{"postgres://signals@db/warehouse", false},
		{"smtp://smtp.example.com:25?tls=none", false},
		{"finance@example.com,cx@example.com", false},
		{"UTC", false},
		{"/tmp/out", false},
	} {
		if got := hasPassword(c.in); got != c.want {
			t.Errorf("hasPassword(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

// TestNoPasswordsInValues: no literal in any manifest (env values, args,
// ConfigMap data, annotations and labels) carries a password.
func TestNoPasswordsInValues(t *testing.T) {
	m := loadManifests(t)
	check := func(where, s string) {
		if hasPassword(s) {
			t.Errorf("%s looks like it holds a password: keep it in the Secret %s", where, secretName)
		}
	}
	for name, pod := range m.workloads(t) {
		for _, c := range append(slices.Clone(pod.Spec.InitContainers), pod.Spec.Containers...) {
			for _, e := range c.Env {
				check(fmt.Sprintf("%s container %s env %s", name, c.Name, e.Name), e.Value)
			}
			for i, a := range append(slices.Clone(c.Command), c.Args...) {
				check(fmt.Sprintf("%s container %s argument %d", name, c.Name, i), a)
			}
		}
		for k, v := range pod.Annotations {
			check(fmt.Sprintf("%s annotation %s", name, k), v)
		}
	}
	for name, cm := range m.configMaps {
		for k, v := range cm.Data {
			check(fmt.Sprintf("ConfigMap %s key %s", name, k), v)
		}
	}
}

func TestBackfillIndexed(t *testing.T) {
	m := loadManifests(t)
	job := m.backfill(t)
	c := container(t, backfillName, &job.Spec.Template)
	args := c.Args
	if len(args) == 0 {
		t.Fatal("backfill container has no args")
	}
	from, okFrom := flagValue(args, "from")
	to, okTo := flagValue(args, "to")
	if !okFrom || !okTo {
		t.Fatalf("args %q: want --from and --to", args)
	}
	first, err := transform.ParseMonth(from)
	if err != nil {
		t.Fatalf("--from: %v", err)
	}
	last, err := transform.ParseMonth(to)
	if err != nil {
		t.Fatalf("--to: %v", err)
	}
	months := last.Sub(first) + 1
	if months < 1 {
		t.Fatalf("--from %s is after --to %s", first, last)
	}
	indexEnv, _ := flagValue(args, "index-from-env")
	completions := int(deref(job.Spec.Completions, -1))
	for _, ck := range []struct {
		name      string
		got, want any
	}{
		{"subcommand", args[0], "backfill"},
		{"completionMode", val(job.Spec.CompletionMode), batchv1.IndexedCompletion},
		{fmt.Sprintf("completions = months from %s to %s", first, last), completions, months},
		{"parallelism", val(job.Spec.Parallelism), int32(3)},
		{"parallelism is at most completions", int(deref(job.Spec.Parallelism, 1)) <= completions, true},
		{"backoffLimitPerIndex", val(job.Spec.BackoffLimitPerIndex), int32(2)},
		{"maxFailedIndexes is set", job.Spec.MaxFailedIndexes != nil, true},
		{"maxFailedIndexes is at most completions", int(deref(job.Spec.MaxFailedIndexes, 0)) <= completions, true},
		{"backoffLimit (per index instead)", val(job.Spec.BackoffLimit), nil},
		{"activeDeadlineSeconds is set", job.Spec.ActiveDeadlineSeconds != nil, true},
		{"ttlSecondsAfterFinished", val(job.Spec.TTLSecondsAfterFinished), int32(604800)},
		{"exit 2 (bad usage or input) fails the index without retries", exitCodeAction(job.Spec.PodFailurePolicy, 2), batchv1.PodFailurePolicyActionFailIndex},
		{"exit 1 (failed) is retried", exitCodeAction(job.Spec.PodFailurePolicy, 1), batchv1.PodFailurePolicyAction("")},
		{"evictions do not count as failures", disruptionAction(job.Spec.PodFailurePolicy), batchv1.PodFailurePolicyActionIgnore},
		{"--index-from-env", indexEnv, "JOB_COMPLETION_INDEX"},
		{"no --send: a backfill mails nothing", hasFlag(args, "send"), false},
		{"no --month: the index picks it", hasFlag(args, "month"), false},
		{"the image is the monthly one", c.Image, container(t, monthlyName, &m.cronJob(t).Spec.JobTemplate.Spec.Template).Image},
	} {
		if diff := cmp.Diff(ck.want, ck.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", ck.name, diff)
		}
	}
	// Every index the Job hands out is one month of the range, and together
	// they cover it exactly once.
	var got []string
	for i := range completions {
		got = append(got, first.Add(i).String())
	}
	var want []string
	for _, mo := range transform.Months(first, last) {
		want = append(want, mo.String())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("months run by indexes 0..%d (-want +got):\n%s", completions-1, diff)
	}
	if job.Spec.ActiveDeadlineSeconds != nil && job.Spec.Parallelism != nil && *job.Spec.Parallelism > 0 {
		rounds := (completions + int(*job.Spec.Parallelism) - 1) / int(*job.Spec.Parallelism)
		if least := int64(rounds) * 3600; *job.Spec.ActiveDeadlineSeconds < least {
			t.Errorf("activeDeadlineSeconds %d is less than %d rounds of an hour", *job.Spec.ActiveDeadlineSeconds, rounds)
		}
	}
}

// TestDockerfile keeps the image in step with the manifests: they run it as
// user 65532 with args only, and SIGNALS_TZ can name any zone.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	// Join continuation lines, drop comments.
	text := regexp.MustCompile(`\\\n\s*`).ReplaceAllString(string(b), " ")
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	// The final stage starts at the last FROM.
	last := -1
	for i, l := range lines {
		if strings.HasPrefix(strings.ToUpper(l), "FROM ") {
			last = i
		}
	}
	if last < 0 {
		t.Fatal("Dockerfile has no FROM")
	}
	final := map[string]string{}
	for _, l := range lines[last:] {
		instr, rest, _ := strings.Cut(l, " ")
		final[strings.ToUpper(instr)] = strings.TrimSpace(rest)
	}
	user, _, _ := strings.Cut(final["USER"], ":")
	uid := map[string]string{"nonroot": strconv.FormatInt(nonrootID, 10)}[user]
	if uid == "" {
		uid = user
	}
	var entrypoint []string
	if err := json.Unmarshal([]byte(final["ENTRYPOINT"]), &entrypoint); err != nil {
		t.Errorf("ENTRYPOINT %q is not exec form: %v", final["ENTRYPOINT"], err)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"final base image", final["FROM"], "gcr.io/distroless/static-debian12:nonroot"},
		{"final USER is runAsUser", uid, strconv.FormatInt(nonrootID, 10)},
		{"ENTRYPOINT (the manifests give args only)", entrypoint, []string{"/signals"}},
	} {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
	var build string
	for _, l := range lines[:last] {
		if strings.Contains(l, "go build") {
			build = l
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-tags timetzdata", "-X main.version=", "./cmd/signals"} {
		if !strings.Contains(build, want) {
			t.Errorf("go build line %q: missing %q", build, want)
		}
	}
}
