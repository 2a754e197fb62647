package dev.circuitlab.local.template;

import java.util.Map;

/**
 * A DynamoDB table the template declares ({@code AWS::DynamoDB::Table} or
 * {@code AWS::Serverless::SimpleTable}).
 *
 * @param logicalId  resource logical ID
 * @param tableName  TableName if set, else the logical ID (also what {@code Ref} returns locally)
 * @param type       the resource type
 * @param properties resolved Properties
 */
public record TableDefinition(String logicalId, String tableName, String type, Map<String, Object> properties) {
}
