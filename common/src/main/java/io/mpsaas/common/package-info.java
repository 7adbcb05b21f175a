/** What the three services truly share: message records, DynamoDB item shapes and names, the Marketplace port. */
package io.mpsaas.common;
