// Data: the AWS managed policies evoke knows, each at the default version AWS publishes, from
// the AWS Managed Policy Reference Guide (docs.aws.amazon.com/aws-managed-policy), read 2026-12-06.
#include "iam/aws_managed_policies.h"

namespace evoke::iam {
namespace {

constexpr AwsManagedPolicyData kPolicies[] = {
    {
        .name = "AWSLambdaBasicExecutionRole",
        .path = "/service-role/",
        .version = "v1",
        .created = "2015-04-09T15:03:43Z",
        .updated = "2015-04-09T15:03:43Z",
        .description = "Provides write permissions to CloudWatch Logs.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
      "Resource": "*"
    }
  ]
})json",
    },
    {
        .name = "AWSLambdaExecute",
        .path = "/",
        .version = "v1",
        .created = "2015-02-06T18:40:46Z",
        .updated = "2015-02-06T18:40:46Z",
        .description = "Provides Put, Get access to S3 and full access to CloudWatch Logs.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["logs:*"], "Resource": "arn:aws:logs:*:*:*"},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::*"}
  ]
})json",
    },
    {
        .name = "AWSLambdaRole",
        .path = "/service-role/",
        .version = "v1",
        .created = "2015-02-06T18:41:28Z",
        .updated = "2015-02-06T18:41:28Z",
        .description = "Default policy for AWS Lambda service role.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": ["*"]}
  ]
})json",
    },
    {
        .name = "AWSLambdaVPCAccessExecutionRole",
        .path = "/service-role/",
        .version = "v3",
        .created = "2016-02-11T23:15:26Z",
        .updated = "2024-01-05T22:38:26Z",
        .description =
            "Provides minimum permissions for a Lambda function to execute while accessing a "
            "resource within a VPC - create, describe, delete network interfaces and write "
            "permissions to CloudWatch Logs.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AWSLambdaVPCAccessExecutionPermissions", "Effect": "Allow",
      "Action": [
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
        "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses"
      ],
      "Resource": "*"
    }
  ]
})json",
    },
    {
        .name = "AWSLambda_FullAccess",
        .path = "/",
        .version = "v7",
        .created = "2020-11-17T21:14:08Z",
        .updated = "2026-02-12T18:00:51Z",
        .description =
            "Grants full access to AWS Lambda service, AWS Lambda console features, and other "
            "related AWS services.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "cloudformation:DescribeStacks", "cloudformation:ListStackResources",
        "cloudwatch:ListMetrics", "cloudwatch:GetMetricData", "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets", "ec2:DescribeVpcs", "kms:DescribeKey", "kms:ListAliases",
        "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetRole", "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:ListRoles", "lambda:*",
        "logs:DescribeLogGroups", "states:DescribeStateMachine", "states:ListStateMachines",
        "tag:GetResources", "xray:GetTraceSummaries", "xray:BatchGetTraces"
      ],
      "Resource": "*"
    },
    {
      "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
      "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}
    },
    {
      "Effect": "Allow",
      "Action": [
        "logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents",
        "logs:StartLiveTail", "logs:StopLiveTail"
      ],
      "Resource": "arn:aws:logs:*:*:log-group:/aws/lambda/*"
    },
    {
      "Effect": "Allow", "Action": "iam:CreateServiceLinkedRole",
      "Resource": "arn:aws:iam::*:role/aws-service-role/lambda.amazonaws.com/AWSServiceRoleForLambda",
      "Condition": {"StringEquals": {"iam:AWSServiceName": "lambda.amazonaws.com"}}
    }
  ]
})json",
    },
    {
        .name = "AWSLambda_ReadOnlyAccess",
        .path = "/",
        .version = "v5",
        .created = "2020-11-17T21:10:32Z",
        .updated = "2026-02-12T18:02:55Z",
        .description =
            "Grants read-only access to AWS Lambda service, AWS Lambda console features, and "
            "other related AWS services.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "cloudformation:DescribeStacks", "cloudformation:ListStacks",
        "cloudformation:ListStackResources", "cloudwatch:GetMetricData", "cloudwatch:ListMetrics",
        "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "kms:ListAliases",
        "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetRole", "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:ListRoles",
        "logs:DescribeLogGroups", "lambda:Get*", "lambda:List*", "states:DescribeStateMachine",
        "states:ListStateMachines", "tag:GetResources", "xray:GetTraceSummaries",
        "xray:BatchGetTraces"
      ],
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": [
        "logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery",
        "logs:StopQuery", "logs:DescribeQueries", "logs:GetLogGroupFields", "logs:GetLogRecord",
        "logs:GetQueryResults", "logs:StartLiveTail", "logs:StopLiveTail"
      ],
      "Resource": "arn:aws:logs:*:*:log-group:/aws/lambda/*"
    }
  ]
})json",
    },
    {
        .name = "AdministratorAccess",
        .path = "/",
        .version = "v1",
        .created = "2015-02-06T18:39:46Z",
        .updated = "2015-02-06T18:39:46Z",
        .description = "Provides full access to AWS services and resources.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}
  ]
})json",
    },
    {
        .name = "AmazonEventBridgeFullAccess",
        .path = "/",
        .version = "v7",
        .created = "2019-07-11T14:08:55Z",
        .updated = "2026-02-12T17:58:25Z",
        .description = "Provides full access to Amazon EventBridge.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "EventBridgeActions", "Effect": "Allow",
      "Action": ["events:*", "schemas:*", "scheduler:*", "pipes:*"], "Resource": "*"
    },
    {
      "Sid": "IAMCreateServiceLinkedRoleForApiDestinations", "Effect": "Allow",
      "Action": "iam:CreateServiceLinkedRole",
      "Resource": "arn:aws:iam::*:role/aws-service-role/apidestinations.events.amazonaws.com/AWSServiceRoleForAmazonEventBridgeApiDestinations",
      "Condition": {"StringEquals": {"iam:AWSServiceName": "apidestinations.events.amazonaws.com"}}
    },
    {
      "Sid": "IAMCreateServiceLinkedRoleForAmazonEventBridgeSchemas", "Effect": "Allow",
      "Action": "iam:CreateServiceLinkedRole",
      "Resource": "arn:aws:iam::*:role/aws-service-role/schemas.amazonaws.com/AWSServiceRoleForSchemas",
      "Condition": {"StringEquals": {"iam:AWSServiceName": "schemas.amazonaws.com"}}
    },
    {
      "Sid": "SecretsManagerAccessForApiDestinations", "Effect": "Allow",
      "Action": [
        "secretsmanager:CreateSecret", "secretsmanager:UpdateSecret", "secretsmanager:DeleteSecret",
        "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"
      ],
      "Resource": "arn:aws:secretsmanager:*:*:secret:events!*"
    },
    {
      "Sid": "IAMPassRoleAccessForEventBridge", "Effect": "Allow", "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::*:role/*",
      "Condition": {"StringLike": {"iam:PassedToService": "events.amazonaws.com"}}
    },
    {
      "Sid": "IAMPassRoleAccessForScheduler", "Effect": "Allow", "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::*:role/*",
      "Condition": {"StringLike": {"iam:PassedToService": "scheduler.amazonaws.com"}}
    },
    {
      "Sid": "IAMPassRoleAccessForPipes", "Effect": "Allow", "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::*:role/*",
      "Condition": {"StringLike": {"iam:PassedToService": "pipes.amazonaws.com"}}
    }
  ]
})json",
    },
    {
        .name = "AmazonEventBridgeSchedulerFullAccess",
        .path = "/",
        .version = "v4",
        .created = "2022-11-10T18:37:25Z",
        .updated = "2026-02-12T18:03:15Z",
        .description =
            "The AmazonEventBridgeSchedulerFullAccess managed policy grants permissions to use "
            "all EventBridge Scheduler actions for schedules, and schedule groups.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "scheduler:*", "Resource": "*"},
    {
      "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/*",
      "Condition": {"StringLike": {"iam:PassedToService": "scheduler.amazonaws.com"}}
    }
  ]
})json",
    },
    {
        .name = "AmazonS3FullAccess",
        .path = "/",
        .version = "v2",
        .created = "2015-02-06T18:40:58Z",
        .updated = "2021-09-27T20:16:37Z",
        .description = "Provides full access to all buckets via the AWS Management Console.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}
  ]
})json",
    },
    {
        .name = "AmazonS3ReadOnlyAccess",
        .path = "/",
        .version = "v3",
        .created = "2015-02-06T18:40:59Z",
        .updated = "2023-08-10T21:31:39Z",
        .description = "Provides read only access to all buckets via the AWS Management Console.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"
      ],
      "Resource": "*"
    }
  ]
})json",
    },
    {
        .name = "AmazonSQSFullAccess",
        .path = "/",
        .version = "v1",
        .created = "2015-02-06T18:41:07Z",
        .updated = "2015-02-06T18:41:07Z",
        .description = "Provides full access to Amazon SQS via the AWS Management Console.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {"Action": ["sqs:*"], "Effect": "Allow", "Resource": "*"}
  ]
})json",
    },
    {
        .name = "AmazonSQSReadOnlyAccess",
        .path = "/",
        .version = "v4",
        .created = "2015-02-06T18:41:08Z",
        .updated = "2024-05-24T18:16:44Z",
        .description = "Provides read only access to Amazon SQS via the AWS Management Console.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AmazonSQSReadOnlyAccess", "Effect": "Allow",
      "Action": [
        "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListDeadLetterSourceQueues",
        "sqs:ListQueues", "sqs:ListMessageMoveTasks", "sqs:ListQueueTags"
      ],
      "Resource": "*"
    }
  ]
})json",
    },
    {
        .name = "CloudWatchFullAccess",
        .path = "/",
        .version = "v4",
        .created = "2015-02-06T18:40:00Z",
        .updated = "2022-11-27T13:23:49Z",
        .description = "Provides full access to CloudWatch.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "autoscaling:Describe*", "cloudwatch:*", "logs:*", "sns:*", "iam:GetPolicy",
        "iam:GetPolicyVersion", "iam:GetRole", "oam:ListSinks"
      ],
      "Resource": "*"
    },
    {
      "Effect": "Allow", "Action": "iam:CreateServiceLinkedRole",
      "Resource": "arn:aws:iam::*:role/aws-service-role/events.amazonaws.com/AWSServiceRoleForCloudWatchEvents*",
      "Condition": {"StringLike": {"iam:AWSServiceName": "events.amazonaws.com"}}
    },
    {"Effect": "Allow", "Action": ["oam:ListAttachedLinks"], "Resource": "arn:aws:oam:*:*:sink/*"}
  ]
})json",
    },
    {
        .name = "CloudWatchFullAccessV2",
        .path = "/",
        .version = "v15",
        .created = "2023-08-01T11:32:57Z",
        .updated = "2026-02-12T18:00:06Z",
        .description = "Provides full access to CloudWatch.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "CloudWatchFullAccessPermissions", "Effect": "Allow",
      "Action": [
        "application-autoscaling:DescribeScalingPolicies", "application-signals:*",
        "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribePolicies", "cloudwatch:*",
        "logs:*", "sns:CreateTopic", "sns:ListSubscriptions", "sns:ListSubscriptionsByTopic",
        "sns:ListTopics", "sns:Subscribe", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetRole",
        "oam:ListSinks", "observabilityadmin:GetCentralizationRuleForOrganization",
        "observabilityadmin:ListCentralizationRulesForOrganization",
        "observabilityadmin:CreateCentralizationRuleForOrganization",
        "observabilityadmin:UpdateCentralizationRuleForOrganization",
        "observabilityadmin:DeleteCentralizationRuleForOrganization",
        "observabilityadmin:StartTelemetryEvaluation",
        "observabilityadmin:GetTelemetryEvaluationStatus",
        "observabilityadmin:ListResourceTelemetry", "observabilityadmin:StopTelemetryEvaluation",
        "observabilityadmin:StartTelemetryEvaluationForOrganization",
        "observabilityadmin:GetTelemetryEvaluationStatusForOrganization",
        "observabilityadmin:ListResourceTelemetryForOrganization",
        "observabilityadmin:StopTelemetryEvaluationForOrganization",
        "observabilityadmin:CreateTelemetryRule", "observabilityadmin:GetTelemetryRule",
        "observabilityadmin:ListTelemetryRules", "observabilityadmin:UpdateTelemetryRule",
        "observabilityadmin:DeleteTelemetryRule",
        "observabilityadmin:CreateTelemetryRuleForOrganization",
        "observabilityadmin:GetTelemetryRuleForOrganization",
        "observabilityadmin:ListTelemetryRulesForOrganization",
        "observabilityadmin:UpdateTelemetryRuleForOrganization",
        "observabilityadmin:DeleteTelemetryRuleForOrganization",
        "observabilityadmin:GetTelemetryEnrichmentStatus",
        "observabilityadmin:StartTelemetryEnrichment", "observabilityadmin:StopTelemetryEnrichment",
        "observabilityadmin:TagResource", "observabilityadmin:UntagResource",
        "observabilityadmin:ListTagsForResource", "observabilityadmin:CreateTelemetryPipeline",
        "observabilityadmin:GetTelemetryPipeline", "observabilityadmin:UpdateTelemetryPipeline",
        "observabilityadmin:DeleteTelemetryPipeline", "observabilityadmin:ListTelemetryPipelines",
        "observabilityadmin:TestTelemetryPipeline",
        "observabilityadmin:ValidateTelemetryPipelineConfiguration",
        "observabilityadmin:CreateS3TableIntegration", "observabilityadmin:GetS3TableIntegration",
        "observabilityadmin:ListS3TableIntegrations", "observabilityadmin:DeleteS3TableIntegration",
        "rum:*", "synthetics:*", "xray:*"
      ],
      "Resource": "*"
    },
    {
      "Sid": "CloudWatchApplicationSignalsServiceLinkedRolePermissions", "Effect": "Allow",
      "Action": "iam:CreateServiceLinkedRole",
      "Resource": "arn:aws:iam::*:role/aws-service-role/application-signals.cloudwatch.amazonaws.com/AWSServiceRoleForCloudWatchApplicationSignals",
      "Condition": {
        "StringLike": {"iam:AWSServiceName": "application-signals.cloudwatch.amazonaws.com"}
      }
    },
    {
      "Sid": "EventsServicePermissions", "Effect": "Allow", "Action": "iam:CreateServiceLinkedRole",
      "Resource": "arn:aws:iam::*:role/aws-service-role/events.amazonaws.com/AWSServiceRoleForCloudWatchEvents*",
      "Condition": {"StringLike": {"iam:AWSServiceName": "events.amazonaws.com"}}
    },
    {
      "Sid": "OAMReadPermissions", "Effect": "Allow", "Action": ["oam:ListAttachedLinks"],
      "Resource": "arn:aws:oam:*:*:sink/*"
    },
    {
      "Sid": "CloudWatchCloudTrailPermissions", "Effect": "Allow",
      "Action": ["cloudtrail:CreateServiceLinkedChannel", "cloudtrail:GetChannel"],
      "Resource": "arn:aws:cloudtrail:*:*:channel/aws-service-channel/application-signals/*"
    },
    {
      "Sid": "CloudWatchApplicationSignalsCloudTrailListPermissions", "Effect": "Allow",
      "Action": ["cloudtrail:ListChannels"], "Resource": "*"
    },
    {
      "Sid": "CloudWatchServiceQuotaPermissions", "Effect": "Allow",
      "Action": ["servicequotas:GetServiceQuota"],
      "Resource": [
        "arn:aws:servicequotas:*:*:s3/*", "arn:aws:servicequotas:*:*:dynamodb/*",
        "arn:aws:servicequotas:*:*:kinesis/*", "arn:aws:servicequotas:*:*:sns/*",
        "arn:aws:servicequotas:*:*:bedrock/*", "arn:aws:servicequotas:*:*:lambda/*",
        "arn:aws:servicequotas:*:*:fargate/*", "arn:aws:servicequotas:*:*:elasticloadbalancing/*",
        "arn:aws:servicequotas:*:*:ec2/*"
      ]
    },
    {
      "Sid": "CloudWatchResourceExplorerPermissions", "Effect": "Allow",
      "Action": ["resource-explorer-2:ListIndexes", "resource-explorer-2:Search"],
      "Resource": [
        "arn:aws:resource-explorer-2:*::view/AWSServiceViewForApplicationSignals/service-view",
        "arn:aws:resource-explorer-2:*::view/AWSServiceViewForApplicationSignalsOrgScopeProd/service-view"
      ]
    },
    {
      "Sid": "CloudWatchResourceExplorerSLRPermissions", "Effect": "Allow",
      "Action": ["iam:CreateServiceLinkedRole"],
      "Resource": "arn:aws:iam::*:role/aws-service-role/resource-explorer-2.amazonaws.com/AWSServiceRoleForResourceExplorer",
      "Condition": {"StringEquals": {"iam:AWSServiceName": ["resource-explorer-2.amazonaws.com"]}}
    },
    {
      "Sid": "CloudWatchResourceExplorerCreateIndexPermissions", "Effect": "Allow",
      "Action": ["resource-explorer-2:CreateIndex"],
      "Resource": "arn:aws:resource-explorer-2:*:*:index/*"
    },
    {
      "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
      "Condition": {
        "StringEquals": {"iam:PassedToService": "logs.amazonaws.com"},
        "ArnLike": {
          "iam:AssociatedResourceArn": "arn:aws:observabilityadmin:*:*:s3tableintegration/*"
        }
      }
    },
    {
      "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
      "Condition": {
        "StringEquals": {
          "iam:PassedToService": [
            "logs.amazonaws.com", "telemetry-pipelines.observabilityadmin.amazonaws.com"
          ]
        },
        "ArnLike": {
          "iam:AssociatedResourceArn": "arn:aws:observabilityadmin:*:*:telemetry-pipeline/*"
        }
      }
    },
    {
      "Effect": "Allow",
      "Action": ["s3tables:CreateTableBucket", "s3tables:PutTableBucketEncryption"],
      "Resource": "arn:aws:s3tables:*:*:bucket/aws-cloudwatch",
      "Condition": {
        "ForAnyValue:StringEquals": {"aws:CalledVia": "observabilityadmin.amazonaws.com"}
      }
    },
    {
      "Effect": "Allow", "Action": ["s3tables:PutTableBucketPolicy"],
      "Resource": "arn:aws:s3tables:*:*:bucket/aws-cloudwatch"
    }
  ]
})json",
    },
    {
        .name = "CloudWatchLogsFullAccess",
        .path = "/",
        .version = "v8",
        .created = "2015-02-06T18:40:02Z",
        .updated = "2026-02-12T18:00:33Z",
        .description = "Provides full access to CloudWatch Logs",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "CloudWatchLogsFullAccess", "Effect": "Allow",
      "Action": [
        "logs:*", "cloudwatch:GenerateQuery", "cloudwatch:GenerateQueryResultsSummary",
        "observabilityadmin:GetS3TableIntegration", "observabilityadmin:ListS3TableIntegrations",
        "observabilityadmin:ListTelemetryPipelines"
      ],
      "Resource": "*"
    }
  ]
})json",
    },
    {
        .name = "CloudWatchLogsReadOnlyAccess",
        .path = "/",
        .version = "v12",
        .created = "2015-02-06T18:40:03Z",
        .updated = "2026-02-12T17:59:13Z",
        .description = "Provides read only access to CloudWatch Logs",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "CloudWatchLogsReadOnlyAccess", "Effect": "Allow",
      "Action": [
        "logs:Describe*", "logs:Get*", "logs:List*", "logs:StartQuery", "logs:StopQuery",
        "logs:TestMetricFilter", "logs:FilterLogEvents", "logs:StartLiveTail", "logs:StopLiveTail",
        "cloudwatch:GenerateQuery", "cloudwatch:GenerateQueryResultsSummary",
        "observabilityadmin:ListS3TableIntegrations", "observabilityadmin:GetS3TableIntegration",
        "observabilityadmin:ListTelemetryPipelines"
      ],
      "Resource": "*"
    }
  ]
})json",
    },
    {
        .name = "CloudWatchReadOnlyAccess",
        .path = "/",
        .version = "v24",
        .created = "2015-02-06T18:40:01Z",
        .updated = "2026-02-12T18:01:50Z",
        .description = "Provides read only access to CloudWatch.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "CloudWatchReadOnlyAccessPermissions", "Effect": "Allow",
      "Action": [
        "application-autoscaling:DescribeScalingPolicies", "application-signals:BatchGet*",
        "application-signals:Get*", "application-signals:List*", "autoscaling:Describe*",
        "cloudtrail:ListChannels", "cloudwatch:BatchGet*", "cloudwatch:Describe*",
        "cloudwatch:GenerateQuery", "cloudwatch:Get*", "cloudwatch:List*", "logs:Get*",
        "logs:List*", "logs:StartQuery", "logs:StopQuery", "logs:Describe*",
        "logs:TestMetricFilter", "logs:FilterLogEvents", "logs:StartLiveTail", "logs:StopLiveTail",
        "oam:ListSinks", "observabilityadmin:GetCentralizationRuleForOrganization",
        "observabilityadmin:ListCentralizationRulesForOrganization",
        "observabilityadmin:GetTelemetryEvaluationStatus",
        "observabilityadmin:GetTelemetryEvaluationStatusForOrganization",
        "observabilityadmin:GetTelemetryRule", "observabilityadmin:GetTelemetryRuleForOrganization",
        "observabilityadmin:ListResourceTelemetry",
        "observabilityadmin:ListResourceTelemetryForOrganization",
        "observabilityadmin:ListTelemetryRules",
        "observabilityadmin:ListTelemetryRulesForOrganization",
        "observabilityadmin:GetTelemetryEnrichmentStatus", "observabilityadmin:ListTagsForResource",
        "observabilityadmin:GetTelemetryPipeline", "observabilityadmin:ListTelemetryPipelines",
        "observabilityadmin:TestTelemetryPipeline",
        "observabilityadmin:ValidateTelemetryPipelineConfiguration",
        "observabilityadmin:GetS3TableIntegration", "observabilityadmin:ListS3TableIntegrations",
        "sns:Get*", "sns:List*", "rum:BatchGet*", "rum:Get*", "rum:List*", "synthetics:Describe*",
        "synthetics:Get*", "synthetics:List*", "xray:BatchGet*", "xray:Get*", "xray:List*",
        "xray:StartTraceRetrieval", "xray:CancelTraceRetrieval"
      ],
      "Resource": "*"
    },
    {
      "Sid": "OAMReadPermissions", "Effect": "Allow", "Action": ["oam:ListAttachedLinks"],
      "Resource": "arn:aws:oam:*:*:sink/*"
    },
    {
      "Sid": "CloudWatchReadOnlyGetRolePermissions", "Effect": "Allow", "Action": "iam:GetRole",
      "Resource": "arn:aws:iam::*:role/aws-service-role/application-signals.cloudwatch.amazonaws.com/AWSServiceRoleForCloudWatchApplicationSignals"
    },
    {
      "Sid": "CloudWatchCloudTrailPermissions", "Effect": "Allow",
      "Action": ["cloudtrail:GetChannel"],
      "Resource": "arn:aws:cloudtrail:*:*:channel/aws-service-channel/application-signals/*"
    },
    {
      "Sid": "CloudWatchServiceQuotaPermissions", "Effect": "Allow",
      "Action": ["servicequotas:GetServiceQuota"],
      "Resource": [
        "arn:aws:servicequotas:*:*:s3/*", "arn:aws:servicequotas:*:*:dynamodb/*",
        "arn:aws:servicequotas:*:*:kinesis/*", "arn:aws:servicequotas:*:*:sns/*",
        "arn:aws:servicequotas:*:*:bedrock/*", "arn:aws:servicequotas:*:*:lambda/*",
        "arn:aws:servicequotas:*:*:fargate/*", "arn:aws:servicequotas:*:*:elasticloadbalancing/*",
        "arn:aws:servicequotas:*:*:ec2/*"
      ]
    },
    {
      "Sid": "CloudWatchResourceExplorerPermissions", "Effect": "Allow",
      "Action": ["resource-explorer-2:ListIndexes", "resource-explorer-2:Search"],
      "Resource": [
        "arn:aws:resource-explorer-2:*::view/AWSServiceViewForApplicationSignals/service-view",
        "arn:aws:resource-explorer-2:*::view/AWSServiceViewForApplicationSignalsOrgScopeProd/service-view"
      ]
    }
  ]
})json",
    },
    {
        .name = "IAMFullAccess",
        .path = "/",
        .version = "v2",
        .created = "2015-02-06T18:40:38Z",
        .updated = "2019-06-21T19:40:00Z",
        .description = "Provides full access to IAM via the AWS Management Console.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "iam:*", "organizations:DescribeAccount", "organizations:DescribeOrganization",
        "organizations:DescribeOrganizationalUnit", "organizations:DescribePolicy",
        "organizations:ListChildren", "organizations:ListParents",
        "organizations:ListPoliciesForTarget", "organizations:ListRoots",
        "organizations:ListPolicies", "organizations:ListTargetsForPolicy"
      ],
      "Resource": "*"
    }
  ]
})json",
    },
    {
        .name = "IAMReadOnlyAccess",
        .path = "/",
        .version = "v4",
        .created = "2015-02-06T18:40:39Z",
        .updated = "2018-01-25T19:11:27Z",
        .description = "Provides read only access to IAM via the AWS Management Console.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "iam:GenerateCredentialReport", "iam:GenerateServiceLastAccessedDetails", "iam:Get*",
        "iam:List*", "iam:SimulateCustomPolicy", "iam:SimulatePrincipalPolicy"
      ],
      "Resource": "*"
    }
  ]
})json",
    },
    {
        .name = "PowerUserAccess",
        .path = "/",
        .version = "v12",
        .created = "2015-02-06T18:39:47Z",
        .updated = "2026-02-12T17:59:14Z",
        .description =
            "Provides full access to AWS services and resources, but does not allow management of "
            "Users and groups.",
        .document = R"json({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
    {
      "Effect": "Allow",
      "Action": [
        "account:GetAccountInformation", "account:GetGovCloudAccountInformation",
        "account:GetPrimaryEmail", "account:ListRegions", "iam:CreateServiceLinkedRole",
        "iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeEffectivePolicy",
        "organizations:DescribeOrganization"
      ],
      "Resource": "*"
    }
  ]
})json",
    },
};

}  // namespace

std::span<const AwsManagedPolicyData> AwsManagedPolicyDocuments() { return kPolicies; }

}  // namespace evoke::iam
