package dev.outbox.systemtest;

/** Request bodies the end-to-end tests send. */
final class Bodies {

    private Bodies() {
    }

    static String order(String customerId) {
        return """
                {"customerId": "%s",
                 "lines": [{"sku": "BOOK-1", "quantity": 2}],
                 "deliveryAddress": {"recipient": "Ada Lovelace", "street": "12 St James's Square", "city": "London",
                                     "postalCode": "SW1Y 4JH", "country": "GB"}}""".formatted(customerId);
    }
}
