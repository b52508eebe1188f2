package io.citadel.client.coap;

import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuiteParameters;
import org.eclipse.californium.scandium.dtls.cipher.DefaultCipherSuiteSelector;

/**
 * A server's choice of suite when it takes pre-shared keys and certificates on one port: a PSK suite whenever the
 * client offers one (ECDHE-PSK before plain PSK, for forward secrecy), else Scandium's choice in the client's order. In DTLS 1.2 the server learns the PSK identity only
 * after it chose the suite, and a client offers PSK suites only when it holds a key (OpenSSL with {@code -psk}, libcoap
 * with {@code -k}); taken in the client's order, OpenSSL's default list would put ECDHE-ECDSA first and a device that
 * holds a key but no certificate would be asked for one and fail. The price: a client that holds both a key store and
 * a certificate, but no key for this server, is not offered the certificate suite (Citadel's clients hold one kind).
 */
public final class PskFirstCipherSuiteSelector extends DefaultCipherSuiteSelector {
    @Override
    public boolean select(CipherSuiteParameters parameters) {
        // ECDHE-PSK first (forward secrecy), then plain PSK, each in the client's order
        for (boolean ephemeral : new boolean[] {true, false}) {
            for (CipherSuite suite : parameters.getCipherSuites()) {
                if (suite.isPskBased() && suite.isEccBased() == ephemeral && select(suite, parameters)) {
                    return true;
                }
            }
        }
        return super.select(parameters);
    }
}
