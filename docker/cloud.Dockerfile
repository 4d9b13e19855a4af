# syntax=docker/dockerfile:1
# The cloud service for linux-x64. Build from the repository root (compose does: context ..):
#   docker build -f docker/cloud.Dockerfile -t iot-estate/cloud .
# It runs the same build and the same settings as the end-to-end tests (tests/Iot.EndToEnd.Tests/Deployment).

# --- build: restore first (cached while no project file changes), then publish ---
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY protocol/Directory.Build.props protocol/
COPY protocol/Iot.Protocol/Iot.Protocol.csproj protocol/Iot.Protocol/
COPY cloud/Iot.Cloud/Iot.Cloud.csproj cloud/Iot.Cloud/
RUN dotnet restore cloud/Iot.Cloud/Iot.Cloud.csproj -r linux-x64
COPY protocol/ protocol/
COPY cloud/ cloud/
RUN dotnet publish cloud/Iot.Cloud/Iot.Cloud.csproj -c Release -r linux-x64 --self-contained false --no-restore -o /app

# --- runtime: ASP.NET Core runtime, non-root, with time zones and a health check ---
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# tzdata: Asia/Shanghai for the dashboards' local times and the rules' time-of-day; curl: the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tzdata curl \
 && rm -rf /var/lib/apt/lists/*
ENV TZ=Asia/Shanghai \
    Urls=http://+:8080 \
    Sites__Folder=/etc/iot/site \
    DOTNET_gcServer=0
WORKDIR /app
COPY --from=build /app ./
# The sample site as a default; compose mounts the real manifests over it (read-only).
COPY firmware-config/sites/yongchang/ /etc/iot/site/
# The cloud's signing key (configs and commands) lives in a folder only the service user can enter (a volume in compose).
RUN install -d -m 700 -o $APP_UID /var/lib/iot-cloud/signing
ENV Signing__KeyFile=/var/lib/iot-cloud/signing/cloud-signing.pem
# The image's unprivileged user (uid 1654); its home holds the ASP.NET data-protection keys (a volume in compose).
USER $APP_UID
EXPOSE 8080
# Alive: the process answers. Readiness (/readyz: database, time series, broker) is what compose waits on.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["dotnet", "iot-cloud.dll"]
