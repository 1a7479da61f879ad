package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlpipe.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * The driver's address that gradient sharing announces as the mesh's controller, taken from {@code
 * train.master.gradient-sharing-network-mask}.
 */
class GradientSharingAddressTest {
  @Test
  void theDriverAnnouncesItsOwnAddressInTheMask() {
    assertEquals("127.0.0.1", TrainingMasters.controllerAddress("127.0.0.0/8"));
  }

  @Test
  void aMaskWithNoAddressOfTheDriverIsAConfigError() {
    // TEST-NET-2 (RFC 5737): documentation only, never assigned to a host.
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> TrainingMasters.controllerAddress("198.51.100.0/24"));
    assertEquals(
        "train.master.gradient-sharing-network-mask: expected a network that contains an address of the driver, found "
            + "198.51.100.0/24",
        e.getMessage());
  }
}
