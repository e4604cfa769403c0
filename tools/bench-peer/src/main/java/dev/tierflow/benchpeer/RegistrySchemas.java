package dev.tierflow.benchpeer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Writer schemas by id from a Confluent-compatible registry API (Apicurio's ccompat/v7 here):
 * GET {url}/schemas/ids/{id}. Each id is fetched once per process.
 */
public final class RegistrySchemas {
  private final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final ConcurrentHashMap<Integer, Schema> byId = new ConcurrentHashMap<>();

  public RegistrySchemas(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  public Schema byId(int id) {
    return byId.computeIfAbsent(id, this::fetch);
  }

  private Schema fetch(int id) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/schemas/ids/" + id)).timeout(Duration.ofSeconds(30)).GET().build();
      HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() != 200) throw new SerializationException("registry: schema id " + id + " answered " + res.statusCode());
      return new Schema.Parser().parse(json.readTree(res.body()).get("schema").asText());
    } catch (java.io.IOException e) {
      throw new SerializationException("registry: schema id " + id + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SerializationException("registry: interrupted fetching schema id " + id, e);
    }
  }
}
