# syntax=docker/dockerfile:1
# Goodshift in one static binary (pure-Go SQLite driver, so no cgo).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/goodshift ./cmd/goodshift

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/goodshift /usr/local/bin/goodshift
ENV GOODSHIFT_ADDR=:8080 GOODSHIFT_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
USER nonroot
ENTRYPOINT ["/usr/local/bin/goodshift"]
CMD ["serve"]
