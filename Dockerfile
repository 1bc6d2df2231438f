# syntax=docker/dockerfile:1

# signals: one static binary on a distroless base, run as an unprivileged user.
#
#   docker build --build-arg VERSION=$(git describe --tags --always) \
#     --build-arg REVISION=$(git rev-parse HEAD) -t ghcr.io/signalsdev/signals:TAG .
#
# Multi-arch: docker buildx build --platform linux/amd64,linux/arm64 ... (the
# builder runs on the build host and cross-compiles; no emulation needed).

FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
WORKDIR /src

# Modules first, in their own layer: it is rebuilt only when go.mod or go.sum
# change, not on every source edit.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

COPY . .

ARG VERSION=dev
# Set by BuildKit from --platform (empty means the build host's).
ARG TARGETOS
ARG TARGETARCH
# CGO off: a static binary for distroless/static (no libc).
# -tags timetzdata embeds the IANA time zone database, so SIGNALS_TZ works
# whatever the base image ships. -X main.version needs `var version string`
# in package main.
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -tags timetzdata \
      -o /signals ./cmd/signals

# static-debian12 has CA certificates (TLS to PostgreSQL and SMTP) and no
# shell: the Kubernetes manifests therefore pass everything as args and env.
FROM gcr.io/distroless/static-debian12:nonroot

ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="signals" \
      org.opencontainers.image.description="Monthly revenue, churn, survey and campaign numbers from a PostgreSQL warehouse" \
      org.opencontainers.image.source="https://github.com/signalsdev/signals" \
      org.opencontainers.image.url="https://github.com/signalsdev/signals" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="gcr.io/distroless/static-debian12:nonroot"

COPY --from=build /signals /signals

# nonroot:nonroot in distroless, written as numbers so that the kubelet can
# check runAsNonRoot from the image alone. The manifests use the same ids.
USER 65532:65532

ENTRYPOINT ["/signals"]
CMD ["run"]
