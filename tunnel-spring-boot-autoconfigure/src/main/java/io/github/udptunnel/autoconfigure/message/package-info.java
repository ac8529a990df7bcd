/** Message conversion (byte[], String, JSON) and the framing inside each tunnel message. */
package io.github.udptunnel.autoconfigure.message;
