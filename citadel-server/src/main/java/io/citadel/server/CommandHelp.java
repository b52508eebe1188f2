package io.citadel.server;

/**
 * The {@code --help} text of each command: {@code citadel pki --help} explains {@code pki}, not the
 * server's options. {@link #of} picks the text from the command word.
 */
final class CommandHelp {
    private CommandHelp() {}

    static final String TOP = """
            Usage: citadel COMMAND [options]   (citadel COMMAND --help for each)

            Commands:
              serve          start the CSE (its options below)
              credentials    manage pre-shared keys, raw public keys, trust anchors and secrets
              pki            make a lab PKI per the oneM2M certificate profile
              das            run a Dynamic Authorization Server and manage its policies
              mef            run an M2M Enrolment Function (EST enrolment of devices) and manage its devices
              maf            run an M2M Authentication Function (keys brokered between AEs and CSEs)
              device         run a small device that enrols itself with a MEF and registers its AE
              revoke-token   revoke a token by its ID, also in a running CSE
              privacy        export a data subject's data, read its access log (through the admin API)

            """;

    static final String PRIVACY = """
            Usage: citadel privacy export|access-log|erase --subject AE-ID --admin-port P [options]

            A data subject's rights, through the running CSE's admin API (loopback; the bearer token of
            --admin-token-file, by default DATA-DIR/admin-api.token). A data subject is an AE: its <AE> and
            everything under it, and every resource it created elsewhere.

              citadel privacy export     --subject Cdev --admin-port 8445 [--out dev.json] [--data-dir data]
                  everything the CSE holds of the subject, and its access log, as JSON (0600); without --out
                  the file stays in DATA-DIR/exports/
              citadel privacy access-log --subject Cdev --admin-port 8445 [--limit 100]
                  who accessed the subject's resources: one JSON line per access, oldest first
              citadel privacy erase      --subject Cdev --admin-port 8445
                  deletes everything of the subject (its <AE> subtree, what it created, undelivered
                  notifications, its access log) and destroys the keys its stored data was encrypted under
            """;

    static final String PKI = """
            Usage: citadel pki ca|cse|ae|server|crl [options]

            A test and lab PKI per the oneM2M certificate profile (P-256, ECDSA-SHA256, a CA name-constrained
            to the SP domain). Keys are written as PKCS#8 PEM, 0600.

              citadel pki ca     --dir pki --sp citadel.example [--days 365]
              citadel pki cse    --dir pki --sp citadel.example --cse-id /id-in --out pki/cse-in [--days 90]
              citadel pki ae     --dir pki --sp citadel.example --cse-id /id-in --ae-id Cae1 --out pki/Cae1
              citadel pki server --dir pki --dns localhost [--ip 127.0.0.1] --out pki/server
              citadel pki crl    --dir pki --revoke SERIAL-HEX[,...] --out pki/ca.crl [--days 7]
            """;

    static final String CREDENTIALS = "Usage: " + CredentialsCommand.USAGE + "\n\n"
            + "The credential store (encrypted PKCS#12 in data-dir/credentials): pre-shared keys (a new key is printed\n"
            + "once, never stored in clear), raw public keys by RFC 6920 identifier, trust anchors and named secrets.\n"
            + "A running CSE picks changes up within a second.\n";

    static final String DAS = """
            Usage: citadel das serve|jwks|policy [options]

            The Dynamic Authorization Server (DAS) and its policy store.

              citadel das serve  [--data-dir d] [--host h] [--port p] [--id /id-das] [--fqdn das.example] [--encrypt-for cse.jwk]
              citadel das jwks   [--data-dir d]     public keys, for a CSE's trusted-issuers file
              citadel das policy add --id p1 --originator PATTERN --target PATTERN --ops 2 [--lifetime PT1H]
                                     [--grant token|acp|both] [--ipv4 CIDR,..]
              citadel das policy list | remove ID   (all with [--data-dir d], default ./das-data)
            """;

    static final String MEF = """
            Usage: citadel mef serve|device|command|firmware [options]

            The M2M Enrolment Function (MEF): devices enrol with their bootstrap key over TLS-PSK and get a
            certificate by EST (RFC 7030) with the identity their enrolment policy gives.

              citadel mef device add --kpm-id ID@mef.example --ae-id Cdev1 --cse-id /id-in [--lifetime P30D]
              citadel mef device add --kpm-id ID@mef.example --node-cse-id /id-mn1
              citadel mef device add --device-cert idevid.pem --ae-id Cdev1 --cse-id /id-in
                        a device enrolling with its manufacturer's certificate (serve --device-trust mfr-ca.pem)
                        prints the bootstrap key and the one-time challenge password (once)
                        [--integrity required [--restricted-ae-id Cdev1q]]: the device must show firmware
                        evidence; on restricted firmware it enrols as the restricted AE-ID; unknown: refused
              citadel mef firmware add --name fw --version 1.2 --sha256 HEX [--restricted true] | list | remove
              citadel mef device list | remove KPM-ID
              citadel mef device revoke KPM-ID   its certificate joins the CRL (mef-data/crl.pem, which CSEs
                        read with --tls-crl); it cannot enrol again
              citadel mef serve [--host 127.0.0.1] [--port 8443] [--cert-port 8444] [--fqdn mef.<sp>]
                        [--device-trust mfr-ca.pem] [--target-trust cse-ca.pem] [--ocsp-port P] [--coaps-port P]
                        port: EST and the enrolment exchange (POST /mef/enrolment: Ke, KeID) over TLS-PSK;
                        cert-port: /simplereenroll with the issued certificate, device certificates of
                        --device-trust, and GET /fetchCredentials/<KeID>/22 for CSEs certified by
                        --target-trust (a CSE started with --key-broker mef.<sp>=https://host:cert-port)
                        ocsp-port: OCSP over plain HTTP (signed answers) for CSEs with --tls-ocsp-url
                        coaps-port: for CoAP devices, over DTLS-PSK with the bootstrap keys: EST over CoAP
                        (RFC 9148: /.well-known/est/crts|att|sen, DER), POST /mef/enrolment, /mef/clients
              citadel mef command add --enrolee ID --class CERT_PROV [--cert-subject-type 3] [--cert-subject-id Cdev1]
                        [--uri https://mef.<sp>:8443/.well-known/est | --fqdn F --port P]
              citadel mef command add --enrolee ID --class DEV_CFG --dev-mgmt-id 1-4 --uri URI
              citadel mef command add --enrolee ID --class MO_NODE --object-path P --object-type-id 1-3 [--suid N]
                        [--args k=v,k=v]   (all: [--target-id ID]) queue a command for a MEF client (TS-0003 §8.3.9)
              citadel mef command list [--enrolee ID]   the commands, where they stand or their result
              serve also: [--client-lifetime P30D] [--command-retry PT5M]; both TLS ports serve MEF client
                        registration (POST /mef/clients, GET|PUT|DELETE /mef/clients/<id>) and commands
                        (GET|PUT /mef/clients/<id>/cmd)
              (all with [--data-dir d], default ./mef-data, and [--sp citadel.example])
              The CA key in a PKCS#11 token instead of mef-data/ca/ca.key (serve and device revoke|remove):
                        --ca-key-store pkcs11 --pkcs11-library /usr/lib/softhsm/libsofthsm2.so
                        [--pkcs11-slot-index 0] --ca-key-pin-file pin (or CITADEL_KEY_STORE_PIN)
            """;

    static final String MAF = """
            Usage: citadel maf serve|client|key [options]

            The M2M Authentication Function (MAF): a client registers a key for a target (a CSE, for the MAF-based
            security association), the target retrieves it on first sight of its key identifier.

              citadel maf client add --km-id ID@maf.example --ae-id Cae1 --cse-id /id-in [--lifetime P365D]
              citadel maf client add --km-id ID@maf.example --node-cse-id /id-mn1
                        prints the client's master key Km (once); the client is that AE-ID or CSE-ID
              citadel maf client list | remove KM-ID
              citadel maf key list
              citadel maf serve --client-trust cse-ca.pem [--host 127.0.0.1] [--port 8445] [--cert-port 8446]
                        [--fqdn maf.<sp>] [--max-key-lifetime P1D]
                        port: POST /maf/keys over TLS-PSK with Km (no keyValue: Kc is exported from the session);
                        cert-port: GET /maf/keys/<relativeKeyID> by a target with its certificate (a CSE started
                        with --key-broker maf:maf.<sp>=https://host:cert-port); PUT/DELETE by the source
              (all with [--data-dir d], default ./maf-data, and [--sp citadel.example])
            """;

    static final String DEVICE = io.citadel.client.device.DeviceCli.USAGE + """

            A device built on the SDK's DeviceEnrolment (io.citadel.client.device). Without credentials in
            --state-dir it enrols with the MEF over its bootstrap key (TLS-PSK with --kpm-id and the hex key in
            --kpm-file): the enrolment exchange (Ke, KeID) and EST with the challenge password in
            --challenge-file. It keeps key, certificate, MEF CA, Ke and the key for its CSE in state-dir/device.p12
            (0600, encrypted with --store-password-file, env CITADEL_DEVICE_PASSWORD, or a password generated
            into state-dir/store.pass). It registers its AE (the AE-ID of its certificate) with the CSE
            --cse-id over certificate TLS (--cse https://host:port; the CSE's certificate must name
            <cse-id>.<sp> and chain to --cse-trust, default the MEF's CA) or over TLS-PSK (--cse-psk host:port,
            identity KeID, the key derived from Ke for the CSE), creates the container "data" and a
            contentInstance, prints "Citadel device ready: <AE-ID>", and renews its certificate at the MEF's
            certificate port once two thirds of its lifetime have passed, until stopped. As a MEF client it
            polls the MEF for commands over certificate TLS (CERT_PROV renews its certificate; other classes are
            answered 41 CLASS_NOT_SUPPORTED), after the retryDuration the MEF answers; --mef-commands off leaves
            this out.
            """;

    static final String REVOKE_TOKEN = """
            Usage: citadel revoke-token TOKEN-ID [--data-dir DIR]

            Revokes a token for good: it is added to data-dir/revoked-tokens, which a running CSE re-reads
            within a second.
            """;

    /** The help of the command named by {@code command}; null when there is no such command. */
    static String of(String command) {
        return switch (command) {
            case "serve" -> Configuration.help();
            case "pki" -> PKI;
            case "credentials" -> CREDENTIALS;
            case "das" -> DAS;
            case "mef" -> MEF;
            case "maf" -> MAF;
            case "device" -> DEVICE;
            case "revoke-token" -> REVOKE_TOKEN;
            case "privacy" -> PRIVACY;
            case "help", "--help", "-h" -> TOP + Configuration.help();
            default -> null;
        };
    }
}
