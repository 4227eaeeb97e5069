output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "repository_url" {
  description = "URL of the ECR repository to push the application image to."
  value       = aws_ecr_repository.app.repository_url
}

output "security_group_id" {
  description = "Security group of the tasks (needed by `aws ecs run-task`)."
  value       = aws_security_group.tasks.id
}

output "task_definition_arns" {
  description = "ARN of each role's task definition (web, asgi, worker, beat, migrate)."
  value       = { for role, definition in aws_ecs_task_definition.app : role => definition.arn }
}

output "migrate_task_family" {
  description = "Task definition family of the one-off migrate task."
  value       = aws_ecs_task_definition.app["migrate"].family
}

output "service_names" {
  description = "Names of the ECS services."
  value       = concat([for service in aws_ecs_service.app : service.name], [aws_ecs_service.beat.name])
}
