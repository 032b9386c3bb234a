# orderflow's image for docker-compose.yml: one binary (`orderflow registry|produce|consume|...`)
# on Debian 12 with its runtime libraries only, run as a non-root user. `make image` builds it
# with Docker or podman (scripts/image.sh). Plain Dockerfile syntax, no BuildKit-only features:
# Debian's docker-compose 1.29 builds with the classic builder.

# ---- build: exactly the packages cmake/Dependencies.cmake finds ---------------------------
# libcpp-httplib-dev brings the -dev packages its pkg-config file requires (OpenSSL, zlib,
# Brotli); libssl-dev is named too, as the gateway links libcrypto itself; libboost-dev is
# Boost.Beast/Asio for libs/http (headers only).
FROM debian:12-slim AS build
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      g++ cmake ninja-build pkg-config \
      librdkafka-dev libhiredis-dev libavro-dev nlohmann-json3-dev libspdlog-dev libcli11-dev \
      libcpp-httplib-dev libssl-dev libboost-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what the binary is built from (.dockerignore lets nothing else in), so a change to the
# tests, scripts or docs keeps the compile layer cached.
COPY CMakeLists.txt ./
COPY cmake cmake
COPY libs libs
COPY services services
COPY apps apps
# The same optimisation as the native RelWithDebInfo build, without debug info: the binary is
# stripped anyway, and the compile is shorter.
RUN cmake -S . -B /build -G Ninja -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" \
 && cmake --build /build --target orderflow \
 && strip /build/apps/orderflow/orderflow
# The runtime stage installs docker/runtime-packages.txt: stop here if that list is no longer
# what the binary links (a library added or dropped).
COPY docker/runtime-packages.sh docker/runtime-packages.txt /src/docker/
RUN docker/runtime-packages.sh --check docker/runtime-packages.txt /build/apps/orderflow/orderflow

# ---- runtime: the binary, the libraries it links, the console's pages ----------------------
FROM debian:12-slim
COPY docker/runtime-packages.txt /tmp/runtime-packages.txt
# ca-certificates: for Kafka over TLS (the secure profile's brokers) and HTTPS registries.
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      ca-certificates $(sed -e 's/#.*//' /tmp/runtime-packages.txt) \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /tmp/runtime-packages.txt \
 && useradd --create-home --home-dir /home/orderflow --uid 10001 --shell /usr/sbin/nologin orderflow \
 && install -d -o orderflow -g orderflow /var/lib/orderflow
COPY docker/orderflow-health /usr/local/bin/orderflow-health
# `orderflow console` serves its pages from disk (the build stage's path does not exist here).
COPY web/console /usr/share/orderflow/web/console
ENV CONSOLE_WEB_DIR=/usr/share/orderflow/web/console \
    CONSOLE_VENDOR_DIR=/usr/share/orderflow/web/node_modules
COPY --from=build /build/apps/orderflow/orderflow /usr/local/bin/orderflow
USER orderflow
WORKDIR /home/orderflow
ENTRYPOINT ["/usr/local/bin/orderflow"]
CMD ["--help"]
