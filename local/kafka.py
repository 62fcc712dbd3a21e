"""A real Apache Kafka broker on loopback (KRaft combined mode), from Maven Central jars: no Docker.

Jars are fetched once with Maven into ~/.cache/streaming-platform/kafka/libs. The broker runs as a child
process and is stopped by its pid only: on close(), on SIGINT/SIGTERM and at interpreter exit.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

KAFKA_VERSION = "3.9.1"
SLF4J_BINDING = "org.slf4j:slf4j-reload4j:1.7.36"
CACHE = Path(os.environ.get("STREAMING_PLATFORM_CACHE", Path.home() / ".cache/streaming-platform")) / "kafka"
JVM_OPTS = ["-Xms128m", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]

POM = f"""<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local</groupId><artifactId>kafka-fetch</artifactId><version>1</version><packaging>pom</packaging>
<dependencies>
<dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId>
<version>{KAFKA_VERSION}</version></dependency>
<dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId>
<version>{KAFKA_VERSION}</version></dependency>
<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
</dependencies></project>
"""
LOG4J = """log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${kafka.logs.dir}/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=WARN
log4j.logger.org.apache.kafka=WARN
"""


def libs(cache: Path = CACHE) -> Path:
    """The jars (kafka_2.13, kafka-tools, an slf4j binding), fetched with Maven on first use."""
    lib_dir = cache / "libs"
    stamp = cache / f".fetched-{KAFKA_VERSION}"
    if stamp.exists() and any(lib_dir.glob(f"kafka_2.13-{KAFKA_VERSION}.jar")):
        return lib_dir
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "pom.xml").write_text(POM)
    mvn = shutil.which("mvn")
    if mvn is None:
        raise RuntimeError("Maven (mvn) is needed once to fetch the Kafka jars from Maven Central")
    subprocess.run(  # noqa: S603
        [mvn, "-q", "-f", str(cache / "pom.xml"), "dependency:copy-dependencies", f"-DoutputDirectory={lib_dir}"],
        check=True,
    )
    stamp.touch()
    return lib_dir


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _accepts(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0): reap it if it is ours.
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    return True


class Broker:
    """One KRaft broker+controller on 127.0.0.1. Use as a context manager, or start()/close()."""

    def __init__(self, work_dir: str | Path | None = None, cache: Path = CACHE, handle_signals: bool = True):
        self.cache = cache
        self.handle_signals = handle_signals
        self._own_dir = work_dir is None
        self.dir = Path(work_dir or tempfile.mkdtemp(prefix="kafka-local-"))
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._previous_handlers: dict[int, object] = {}

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def classpath(self) -> str:
        return str(libs(self.cache) / "*")

    def java(self, main: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
        cmd = ["java", *JVM_OPTS, f"-Dlog4j.configuration=file:{self.dir / 'log4j.properties'}"]
        cmd += [f"-Dkafka.logs.dir={self.dir / 'logs'}", "-cp", self.classpath(), main, *args]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)  # noqa: S603

    def _write_config(self) -> Path:
        self.port, cport = free_port(), free_port()
        while cport == self.port:
            cport = free_port()
        (self.dir / "logs").mkdir(parents=True, exist_ok=True)
        (self.dir / "log4j.properties").write_text(LOG4J)
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{cport}",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{cport}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.dir / "data"),
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "false",
            "num.partitions": "1",
        }
        path = self.dir / "server.properties"
        path.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
        return path

    def start(self, timeout: float = 60.0) -> Broker:
        config = self._write_config()
        self.java("kafka.tools.StorageTool", "format", "-t", str(uuid.uuid4()), "-c", str(config))
        cmd = ["java", *JVM_OPTS, f"-Dlog4j.configuration=file:{self.dir / 'log4j.properties'}"]
        cmd += [f"-Dkafka.logs.dir={self.dir / 'logs'}", "-cp", self.classpath(), "kafka.Kafka", str(config)]
        out = (self.dir / "logs" / "stdout.log").open("w")
        # Own process group: a Ctrl-C in the terminal reaches us, and we stop the broker ourselves, by pid.
        self.process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)  # noqa: S603
        self._install_handlers()
        deadline = time.monotonic() + timeout
        while not _accepts(self.port):
            if self.process.poll() is not None:
                raise RuntimeError(f"Kafka broker exited with {self.process.returncode}; see {self.dir}/logs")
            if time.monotonic() > deadline:
                self.close()
                raise TimeoutError(f"Kafka broker did not listen on {self.port} within {timeout} s")
            time.sleep(0.2)
        return self

    def create_topics(self, topics: dict[str, int]) -> None:
        """Topics with their partition counts (kafka-topics' main class, from kafka-tools)."""
        for topic, partitions in topics.items():
            self.java(
                "org.apache.kafka.tools.TopicCommand",
                "--bootstrap-server",
                self.bootstrap_servers,
                "--create",
                "--if-not-exists",
                "--topic",
                topic,
                "--partitions",
                str(partitions),
                "--replication-factor",
                "1",
            )

    def _install_handlers(self) -> None:
        atexit.register(self.close)
        if not self.handle_signals:  # the caller stops us on its own signal handling (and atexit covers a crash)
            return
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError):  # not the main thread: atexit still covers us
                self._previous_handlers[sig] = signal.signal(sig, self._on_signal)

    def _on_signal(self, signum, frame) -> None:
        self.close()
        previous = self._previous_handlers.get(signum)
        if callable(previous):
            previous(signum, frame)
        elif signum == signal.SIGINT:
            raise KeyboardInterrupt
        else:
            raise SystemExit(128 + signum)

    def close(self, timeout: float = 20.0) -> None:
        """Stop the broker by its pid: SIGTERM (a clean shutdown), then SIGKILL after `timeout`."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        for sig, handler in self._previous_handlers.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(sig, handler)
        self._previous_handlers.clear()
        with contextlib.suppress(Exception):
            atexit.unregister(self.close)
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Broker:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
