package org.fedsim.protocol;

/**
 * Marker for every message that may cross an actor or network boundary; bound to Akka's {@code jackson-cbor}
 * serializer in {@code reference.conf}.
 */
public interface CborSerializable {}
