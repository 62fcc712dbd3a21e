"""The whole pipeline on one machine: a real Kafka broker (KRaft, from Maven Central), a producer, the runner."""
