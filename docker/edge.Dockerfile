# syntax=docker/dockerfile:1
# The edge agent for a Raspberry Pi running Docker or balenaOS (linux-arm64). Build from the repository root:
#   docker buildx build --platform linux/arm64 -f docker/edge.Dockerfile -t iot-estate/edge:arm64 .
# The SDK stage runs on the build machine's own platform and cross-publishes for the target (a JIT build:
# Native AOT cannot cross-compile). The systemd install (firmware-config/) remains the lighter way onto a Pi.

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH=arm64
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY protocol/Directory.Build.props protocol/
COPY protocol/Iot.Protocol/Iot.Protocol.csproj protocol/Iot.Protocol/
COPY edge/Iot.Edge/Iot.Edge.csproj edge/Iot.Edge/
# The files every provisioning bundle carries are built into the program.
COPY firmware-config/pi/ firmware-config/pi/
COPY firmware-config/systemd/ firmware-config/systemd/
RUN rid=linux-$([ "$TARGETARCH" = amd64 ] && echo x64 || echo "$TARGETARCH") \
 && dotnet restore edge/Iot.Edge/Iot.Edge.csproj -r "$rid"
COPY protocol/ protocol/
COPY edge/ edge/
RUN rid=linux-$([ "$TARGETARCH" = amd64 ] && echo x64 || echo "$TARGETARCH") \
 && dotnet publish edge/Iot.Edge/Iot.Edge.csproj -c Release -r "$rid" --self-contained false --no-restore -o /app \
 && mkdir -p /state

# The .NET runtime image for the target platform (pulled as linux/arm64 under --platform linux/arm64).
FROM mcr.microsoft.com/dotnet/runtime:10.0 AS runtime
ENV TZ=Asia/Shanghai \
    Edge__DataFolder=/var/lib/iot-edge \
    DOTNET_GCgen0size=80000
WORKDIR /app
COPY --from=build /app ./
# Outbox and interlock latches: mount a volume here, or they do not survive the container. No RUN in this stage,
# so building for arm64 on an x64 machine needs no emulation. 1654 is the .NET images' unprivileged user ($APP_UID).
COPY --from=build --chown=1654:1654 /state /var/lib/iot-edge
VOLUME /var/lib/iot-edge
# Unprivileged; the GPIO and I2C devices are passed in with their host groups (see docker/README.md).
USER $APP_UID
ENTRYPOINT ["/app/iot-edge"]
# compose.edge.yaml adds --agent; the site slice and credentials come from the agent's provisioning bundle.
CMD ["run", "/etc/iot-edge/site"]
