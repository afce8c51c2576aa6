package org.fedsim.cluster;

import akka.actor.ActorSystem;
import akka.remote.artery.tcp.ConfigSSLEngineProvider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Akka's keystore-based TLS engine, with a trust manager that logs every peer certificate it refuses (subject and
 * issuer), so that a node whose certificate the cluster's CA did not sign is refused in plain words in the log.
 */
public final class LoggingSslEngineProvider extends ConfigSSLEngineProvider {
  private static final Logger log = LoggerFactory.getLogger(LoggingSslEngineProvider.class);

  public LoggingSslEngineProvider(ActorSystem system) {
    super(system);
  }

  @Override
  public TrustManager[] trustManagers() {
    TrustManager[] managers = super.trustManagers();
    for (int i = 0; i < managers.length; i++) {
      if (managers[i] instanceof X509TrustManager x) managers[i] = new Logging(x);
    }
    return managers;
  }

  private static final class Logging implements X509TrustManager {
    private final X509TrustManager delegate;

    Logging(X509TrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      logged("a connecting node", chain, () -> delegate.checkClientTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      logged("the node we connected to", chain, () -> delegate.checkServerTrusted(chain, authType));
    }

    private interface Check {
      void run() throws CertificateException;
    }

    private static void logged(String who, X509Certificate[] chain, Check check) throws CertificateException {
      try {
        check.run();
      } catch (CertificateException e) {
        refused(who, chain, e);
        throw e;
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }

    private static void refused(String who, X509Certificate[] chain, CertificateException e) {
      String subject = chain == null || chain.length == 0 ? "(no certificate)"
          : chain[0].getSubjectX500Principal().getName();
      String issuer = chain == null || chain.length == 0 ? "-" : chain[0].getIssuerX500Principal().getName();
      log.warn("TLS: refused {}: certificate '{}' issued by '{}' is not signed by this cluster's CA ({})", who,
          subject, issuer, e.getMessage());
    }
  }
}
