/*
 * LOAD DATA LOCAL INFILE for mysqlclient sessions, answered from memory only.
 *
 * A client that announces LOCAL INFILE lets the server name the file to upload, and the stock
 * Connector/C handler opens whatever it names. This module installs handlers on a session's
 * MYSQL* (from mysqlclient's _get_native_connection capsule) that never open a file: a request is
 * answered with the bytes armed for the statement running now (one upload per arming) and with
 * an empty upload otherwise. mysqlclient runs queries without the GIL, so the callbacks touch
 * only the C state below, never a Python object; the Python side holds the armed buffer (a
 * Py_buffer export) from arm() until disarm(), which it calls after the statement returned.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#include <mysql.h>

#define KEPT_NAMES 32  /* requested file names kept for diagnostics; later ones are only counted */

typedef struct {
    PyObject_HEAD
    Py_buffer view;          /* the armed upload (view.obj != NULL while held) */
    int armed;               /* the next request takes the armed upload */
    const char *data;        /* the upload of the request being answered (NULL: empty) */
    size_t size, sent;
    unsigned long requests;  /* requests the server made */
    char *names[KEPT_NAMES]; /* the first file names it asked for */
} Handler;

static int on_init(void **state, const char *name, void *userdata)
{
    Handler *h = (Handler *)userdata;
    *state = h;
    if (h->requests < KEPT_NAMES && name != NULL) {
        size_t n = strlen(name);
        char *copy = (char *)malloc(n + 1);
        if (copy != NULL) {
            memcpy(copy, name, n + 1);
            h->names[h->requests] = copy;
        }
    }
    h->requests++;
    h->sent = 0;
    if (h->armed && h->view.obj != NULL) {
        h->data = (const char *)h->view.buf;
        h->size = (size_t)h->view.len;
    } else {
        h->data = NULL;
        h->size = 0;
    }
    h->armed = 0;  /* a second request during the same statement gets nothing */
    return 0;
}

static int on_read(void *state, char *buf, unsigned int len)
{
    Handler *h = (Handler *)state;
    size_t left, n;
    if (h == NULL || h->data == NULL || h->sent >= h->size)
        return 0;
    left = h->size - h->sent;
    n = left < (size_t)len ? left : (size_t)len;
    if (n > 0x7fffffff)
        n = 0x7fffffff;
    memcpy(buf, h->data + h->sent, n);
    h->sent += n;
    return (int)n;
}

static void on_end(void *state)
{
    Handler *h = (Handler *)state;
    if (h != NULL) {
        h->data = NULL;
        h->size = h->sent = 0;
    }
}

static int on_error(void *state, char *msg, unsigned int len)
{
    (void)state;
    if (msg != NULL && len > 0)
        msg[0] = '\0';
    return 0;
}

static void release(Handler *h)
{
    h->armed = 0;
    if (h->view.obj != NULL)
        PyBuffer_Release(&h->view);
}

static PyObject *Handler_install(Handler *self, PyObject *capsule)
{
    MYSQL *mysql;
    if (!PyCapsule_CheckExact(capsule)) {
        PyErr_SetString(PyExc_TypeError, "install() takes the capsule of _get_native_connection()");
        return NULL;
    }
    mysql = (MYSQL *)PyCapsule_GetPointer(capsule, PyCapsule_GetName(capsule));
    if (mysql == NULL)
        return NULL;
    mysql_set_local_infile_handler(mysql, on_init, on_read, on_end, on_error, self);
    Py_RETURN_NONE;
}

static PyObject *Handler_arm(Handler *self, PyObject *payload)
{
    release(self);
    if (PyObject_GetBuffer(payload, &self->view, PyBUF_CONTIG_RO) < 0)
        return NULL;
    self->armed = 1;
    Py_RETURN_NONE;
}

static PyObject *Handler_disarm(Handler *self, PyObject *unused)
{
    (void)unused;
    release(self);
    self->data = NULL;
    self->size = self->sent = 0;
    Py_RETURN_NONE;
}

static PyObject *Handler_names(Handler *self, PyObject *unused)
{
    unsigned long i, kept = self->requests < KEPT_NAMES ? self->requests : KEPT_NAMES;
    PyObject *list = PyList_New(0);
    (void)unused;
    if (list == NULL)
        return NULL;
    for (i = 0; i < kept; i++) {
        PyObject *name;
        if (self->names[i] == NULL)
            continue;
        name = PyUnicode_DecodeUTF8(self->names[i], (Py_ssize_t)strlen(self->names[i]), "replace");
        if (name == NULL || PyList_Append(list, name) < 0) {
            Py_XDECREF(name);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(name);
    }
    return list;
}

static PyObject *Handler_count(Handler *self, void *closure)
{
    (void)closure;
    return PyLong_FromUnsignedLong(self->requests);
}

static void Handler_dealloc(Handler *self)
{
    int i;
    release(self);
    for (i = 0; i < KEPT_NAMES; i++)
        free(self->names[i]);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef Handler_methods[] = {
    {"install", (PyCFunction)Handler_install, METH_O,
     "install(capsule): answer the session's LOCAL INFILE requests from this handler only."},
    {"arm", (PyCFunction)Handler_arm, METH_O,
     "arm(bytes-like): the next request (of the statement about to run) uploads these bytes."},
    {"disarm", (PyCFunction)Handler_disarm, METH_NOARGS,
     "disarm(): release the upload; later requests get an empty upload."},
    {"names", (PyCFunction)Handler_names, METH_NOARGS,
     "names(): the file names the server asked for (the first 32)."},
    {NULL, NULL, 0, NULL}
};

static PyGetSetDef Handler_getset[] = {
    {"requests", (getter)Handler_count, NULL, "how many LOCAL INFILE requests the server made", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static PyTypeObject HandlerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "datajoint_interop.core._infile.Handler",
    .tp_basicsize = sizeof(Handler),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "LOCAL INFILE answers for one Connector/C session: armed bytes, else nothing.",
    .tp_new = PyType_GenericNew,
    .tp_dealloc = (destructor)Handler_dealloc,
    .tp_methods = Handler_methods,
    .tp_getset = Handler_getset,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_infile",
    "In-memory LOAD DATA LOCAL INFILE handler for Connector/C sessions (core/driver.py).", -1, NULL
};

PyMODINIT_FUNC PyInit__infile(void)
{
    PyObject *m;
    if (PyType_Ready(&HandlerType) < 0)
        return NULL;
    m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&HandlerType);
    if (PyModule_AddObject(m, "Handler", (PyObject *)&HandlerType) < 0) {
        Py_DECREF(&HandlerType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
