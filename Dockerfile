# orderflow's image for docker-compose.yml: one binary (`orderflow registry|produce|consume|...`)
# on Debian 12 with its runtime libraries only, run as a non-root user.

# ---- build: the same Debian packages scripts/install-deps.sh installs for building ----------
FROM debian:12-slim AS build
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      librdkafka-dev libhiredis-dev libavro-dev nlohmann-json3-dev libspdlog-dev libcli11-dev \
      libcpp-httplib-dev libssl-dev zlib1g-dev libbrotli-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
 && cmake --build /build --target orderflow \
 && strip /build/apps/orderflow/orderflow

# ---- runtime: the shared libraries the binary links (ldd of the build above) ---------------
FROM debian:12-slim
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      librdkafka++1 librdkafka1 libhiredis0.14 libavro23 libspdlog1.10 libfmt9 \
      libcpp-httplib0.11 libssl3 zlib1g libbrotli1 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /home/orderflow --uid 10001 orderflow \
 && install -d -o orderflow -g orderflow /var/lib/orderflow
COPY --from=build /build/apps/orderflow/orderflow /usr/local/bin/orderflow
COPY docker/orderflow-health /usr/local/bin/orderflow-health
USER orderflow
WORKDIR /home/orderflow
ENTRYPOINT ["/usr/local/bin/orderflow"]
CMD ["--help"]
