# One image recipe for the project's Spring Boot services: docker compose builds it with MODULE=order-api and
# MODULE=delivery-streams. The build stage compiles only that module and what it depends on.
FROM maven:3.9-eclipse-temurin-17 AS build
ARG MODULE
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl ${MODULE} -am package

FROM eclipse-temurin:17-jre
ARG MODULE
RUN useradd --system --uid 10001 app
COPY --from=build /src/${MODULE}/target/${MODULE}.jar /app/app.jar
USER app
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
