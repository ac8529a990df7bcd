/** The server's long-term key: from configuration, or from a key file made owner-only on first start. */
package io.github.udptunnel.autoconfigure.identity;
