import { useNavigate, useParams } from 'react-router';
import { TaskDrawer } from './TaskDrawer';

/** /tasks/:id — one task opened from a link elsewhere (a points ledger line, a notification); closing goes back. */
export function TaskPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  return <TaskDrawer taskId={id ?? null} onClose={() => (window.history.length > 1 ? navigate(-1) : navigate('/my-tasks'))} />;
}
