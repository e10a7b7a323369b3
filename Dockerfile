# syntax=docker/dockerfile:1
# One image for every Mosaic service: `docker run mosaic worker`, `... aggregator`, and so on.

# Build stage: the Maven wrapper and the sources; tests run in CI, not in the image build.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
# mdep.skip: the embedded schema-registry bundle is for laptops without Docker; compose runs
# Confluent's registry instead, so the image does not need the bundle.
# The cache mount keeps Maven's downloads between builds, so a code change does not fetch them again.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q package -DskipTests -Dmdep.skip=true

# Run stage: a JRE and the one fat jar.
FROM eclipse-temurin:17-jre
# curl for the compose health checks.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && groupadd --system mosaic && useradd --system --gid mosaic --home-dir /opt/mosaic mosaic \
    && mkdir -p /opt/mosaic /reports /var/lib/mosaic && chown mosaic:mosaic /reports /var/lib/mosaic
COPY --from=build /src/app/target/mosaic.jar /opt/mosaic/mosaic.jar
USER mosaic
WORKDIR /opt/mosaic
ENV MOSAIC_STATE_DIR=/var/lib/mosaic/streams
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/mosaic/mosaic.jar"]
CMD ["--help"]
